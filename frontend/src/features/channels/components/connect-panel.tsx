"use client";

import { useEffect, useRef, useState } from "react";
import { Card, CardBody } from "@/components/ui/card";
import { Icon } from "@/components/ui/icons";
import { cn } from "@/lib/cn";
import { PLATFORMS } from "../lib/platforms";
import { BlueskyForm } from "./bluesky-form";
import { PlatformIcon } from "./platform-icon";
import { WebhookForm } from "./webhook-form";

type Choice = "bluesky" | "webhook";

/**
 * "Connect a channel": choose a platform (only those this build can connect are
 * choosable; the rest are listed as coming soon), then its form.
 */
export function ConnectPanel({ id, onClose }: { id: string; onClose: () => void }) {
  const [choice, setChoice] = useState<Choice>("bluesky");
  const heading = useRef<HTMLHeadingElement>(null);
  const available = PLATFORMS.filter((p) => p.available);
  const comingSoon = PLATFORMS.filter((p) => !p.available);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  return (
    <Card labelledBy={`${id}-heading`} className="mb-6">
      <div id={id} className="flex items-start justify-between gap-3 border-b border-line px-5 py-4 sm:px-6">
        <div className="space-y-1">
          <h2 id={`${id}-heading`} ref={heading} tabIndex={-1} className="text-base font-semibold text-fg outline-none">
            Connect a channel
          </h2>
          <p className="text-sm text-muted">LetsGrow checks the details with the platform before saving anything.</p>
        </div>
        <button
          type="button"
          onClick={onClose}
          className="inline-flex size-9 shrink-0 items-center justify-center rounded-lg text-muted hover:bg-subtle hover:text-fg"
          aria-label="Close connect a channel"
        >
          <Icon name="close" />
        </button>
      </div>
      <CardBody className="space-y-6">
        <fieldset>
          <legend className="mb-2 text-sm font-medium text-fg">Platform</legend>
          <div className="grid gap-3 sm:grid-cols-2">
            {available.map((p) => (
              <label
                key={p.id}
                className={cn(
                  "flex cursor-pointer items-start gap-3 rounded-xl border px-4 py-3 transition-colors",
                  choice === p.id ? "border-accent bg-accent-soft/60" : "border-line hover:bg-subtle",
                )}
              >
                <PlatformIcon platform={p.id} />
                <span className="min-w-0 flex-1">
                  <span className="block font-medium text-fg">{p.name}</span>
                  <span id={`${id}-${p.id}-blurb`} className="mt-0.5 block text-sm text-muted">
                    {p.blurb}
                  </span>
                </span>
                <input
                  type="radio"
                  name="platform"
                  value={p.id}
                  checked={choice === p.id}
                  onChange={() => setChoice(p.id as Choice)}
                  className="mt-1 size-4 shrink-0 accent-accent"
                />
              </label>
            ))}
          </div>
        </fieldset>

        <div>
          <h3 className="mb-2 text-sm font-medium text-fg">Coming soon</h3>
          <p className="mb-3 text-sm text-muted">
            These platforms can&apos;t be connected in this version of LetsGrow yet.
          </p>
          <ul className="flex flex-wrap gap-2" aria-label="Platforms coming soon">
            {comingSoon.map((p) => (
              <li
                key={p.id}
                className="rounded-full border border-dashed border-line-strong/60 px-3 py-1 text-sm text-muted"
              >
                {p.name}
                <span className="sr-only">(coming soon)</span>
              </li>
            ))}
          </ul>
        </div>

        <div className="border-t border-line pt-6">
          {choice === "bluesky" ? (
            <BlueskyForm onConnected={onClose} onCancel={onClose} />
          ) : (
            <WebhookForm onDone={onClose} onCancel={onClose} />
          )}
        </div>
      </CardBody>
    </Card>
  );
}
