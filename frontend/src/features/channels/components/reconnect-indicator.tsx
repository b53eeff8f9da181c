"use client";

import Link from "next/link";
import { Icon } from "@/components/ui/icons";
import { useChannels } from "../api/list-channels";
import { needsReconnect } from "../lib/health";

/** Top-bar indicator: shown only while some channel needs reconnecting. */
export function ReconnectIndicator() {
  const channels = useChannels();
  const count = needsReconnect(channels.data).length;
  if (count === 0) return null;
  return (
    <Link
      href="/channels/"
      className="inline-flex h-9 items-center gap-1.5 rounded-lg border border-danger/35 bg-danger-soft px-2.5 text-sm font-medium text-danger hover:border-danger/60"
      data-testid="reconnect-indicator"
    >
      <Icon name="warning" className="size-4" />
      <span>
        {count}{" "}
        {/* Below sm only the count shows; screen readers always hear the sentence. */}
        <span className="sr-only sm:not-sr-only">
          {count === 1 ? "channel needs reconnecting" : "channels need reconnecting"}
        </span>
      </span>
    </Link>
  );
}
