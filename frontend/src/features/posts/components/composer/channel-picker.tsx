"use client";

import Link from "next/link";
import { useController, useFormContext } from "react-hook-form";
import { Badge } from "@/components/ui/badge";
import { Icon } from "@/components/ui/icons";
import { PlatformIcon } from "@/components/ui/platform-icon";
import { cn } from "@/lib/cn";
import { platformLabel } from "@/lib/platform-names";
import type { ChannelInfo } from "../../api/types";
import type { ComposerValues } from "../../schemas";

/** Checkboxes for the connected channels, with paused and needs-reconnect shown. */
export function ChannelPicker({ channels, locked, error, onRemoved }: {
  channels: readonly ChannelInfo[];
  /** Editing a saved post: its channels are fixed. */
  locked: boolean;
  error?: string;
  onRemoved: (channelId: string) => void;
}) {
  const { control } = useFormContext<ComposerValues>();
  const { field } = useController({ control, name: "channelIds" });
  const selected = field.value;

  const toggle = (id: string, on: boolean) => {
    field.onChange(on ? [...selected, id] : selected.filter((c) => c !== id));
    if (!on) onRemoved(id);
  };

  return (
    <fieldset className="space-y-2" aria-describedby={error ? "channel-picker-error" : undefined} data-testid="channel-picker">
      <legend className="mb-2 text-sm font-medium text-fg">Channels</legend>
      {channels.length === 0 ? (
        <p className="rounded-lg border border-dashed border-line-strong/60 px-3 py-3 text-sm text-muted">
          No channels connected yet.{" "}
          <Link href="/channels/" className="font-medium text-accent-text underline">
            Connect one
          </Link>{" "}
          to publish.
        </p>
      ) : (
        <ul className="grid gap-2 sm:grid-cols-2">
          {channels.map((c) => {
            const checked = selected.includes(c.id);
            const reconnect = c.status === "needs_reconnect";
            return (
              <li key={c.id}>
                <label
                  className={cn(
                    "flex h-full cursor-pointer items-center gap-3 rounded-lg border px-3 py-2.5 transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-ring",
                    checked ? "border-accent bg-accent-soft" : "border-line bg-surface hover:border-line-strong",
                    locked && "cursor-default",
                  )}
                >
                  <input
                    type="checkbox"
                    className="size-4 shrink-0 accent-[var(--accent)]"
                    checked={checked}
                    disabled={locked}
                    onChange={(e) => toggle(c.id, e.target.checked)}
                    onBlur={field.onBlur}
                    name="channelIds"
                    value={c.id}
                  />
                  <PlatformIcon platform={c.platform} className="size-8 [&_svg]:size-4.5" />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate text-sm font-medium text-fg">{c.handle}</span>
                    <span className="flex flex-wrap items-center gap-1.5 text-xs text-muted">
                      {platformLabel(c.platform)}
                      {c.paused_at && <Badge tone="warn">Paused</Badge>}
                      {reconnect && <Badge tone="danger">Needs reconnect</Badge>}
                      {c.status === "failing" && <Badge tone="danger">Failing</Badge>}
                    </span>
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      {selected.some((id) => channels.find((c) => c.id === id)?.paused_at) && (
        <p className="text-sm text-warn-text">Paused channels keep their posts waiting until you resume them on the Channels page.</p>
      )}
      {selected.some((id) => channels.find((c) => c.id === id)?.status === "needs_reconnect") && (
        <p className="text-sm text-danger">A channel that needs reconnecting can&apos;t publish until you reconnect it.</p>
      )}
      {channels
        .filter((c) => selected.includes(c.id) && c.status === "failing")
        .map((c) => (
          <p key={c.id} className="text-sm text-danger" data-testid="channel-failing">
            {`The last ${c.consecutive_failures ?? 3} tries to post to ${c.handle} did not go through${c.last_error ? ` (${c.last_error.replace(/[.\s]+$/, "")})` : ""}. Yours will be sent too; check the channel on the Channels page if this keeps happening.`}
          </p>
        ))}
      {locked && <p className="text-sm text-muted">The channels of a saved post can&apos;t be changed; write a new post for others.</p>}
      {error && (
        <p id="channel-picker-error" className="flex items-start gap-1.5 text-sm text-danger" data-field-error>
          <Icon name="alert" className="mt-0.5 size-4 shrink-0" />
          <span>{error}</span>
        </p>
      )}
    </fieldset>
  );
}
