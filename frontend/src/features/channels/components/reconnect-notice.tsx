import type { AppNotification, Channel } from "../api/types";
import { reconnectNotices, sentence } from "../lib/health";
import { platformName } from "../lib/platforms";
import { Icon } from "@/components/ui/icons";

/** The Channels page banner for channels LetsGrow can no longer publish to. */
export function ReconnectNotice({ channels, notifications }: {
  channels: readonly Channel[];
  notifications?: readonly AppNotification[];
}) {
  if (channels.length === 0) return null;
  const notices = reconnectNotices(notifications);
  const count = channels.length;
  return (
    <section
      aria-labelledby="reconnect-heading"
      className="mb-6 flex gap-3 rounded-xl border border-danger/35 bg-danger-soft px-4 py-4 text-sm text-fg sm:px-5"
      data-testid="reconnect-banner"
    >
      <Icon name="warning" className="mt-0.5 size-5 shrink-0 text-danger" />
      <div className="min-w-0 space-y-2">
        <h2 id="reconnect-heading" className="font-semibold text-danger">
          {count === 1 ? "1 channel needs reconnecting" : `${count} channels need reconnecting`}
        </h2>
        <ul className="space-y-1">
          {channels.map((c) => {
            const why = c.status_message ?? notices.get(c.id)?.body;
            return (
              <li key={c.id} className="break-words">
                <strong className="font-medium">{c.handle}</strong> ({platformName(c.platform)})
                {why ? `: ${sentence(why)}` : ""}
              </li>
            );
          })}
        </ul>
        <p className="text-muted">
          LetsGrow can&apos;t publish to {count === 1 ? "it" : "them"} until reconnected. Create a new app password on
          the platform, disconnect the channel below and connect it again.
        </p>
      </div>
    </section>
  );
}
