import Link from "next/link";
import type { AppNotification } from "@/api/notifications";
import { cn } from "@/lib/cn";
import { absoluteTime, notificationHref, relativeTime } from "../lib/notifications";

const row = "flex w-full gap-3 px-4 py-3 text-left";
const interactive = "hover:bg-subtle focus-visible:bg-subtle focus-visible:outline-offset-[-2px]";

/**
 * One notification. It opens its page when it has one (which marks it read); an unread
 * one without a page is a button that only marks it read; a read one without a page is text.
 */
export function NotificationItem({ notification: n, now, onOpen }: {
  notification: AppNotification;
  now: number;
  /** Called when the item is opened; `leaves` is true when it navigates away. */
  onOpen: (leaves: boolean) => void;
}) {
  const href = notificationHref(n);
  const unread = !n.read_at;
  const content = (
    <>
      <span
        aria-hidden="true"
        className={cn("mt-1.5 size-2 shrink-0 rounded-full", unread ? "bg-accent" : "bg-transparent")}
      />
      <span className="min-w-0 flex-1">
        <span className={cn("block text-sm break-words text-fg", unread ? "font-semibold" : "font-medium")}>
          {unread && <span className="sr-only">Unread: </span>}
          {n.title}
        </span>
        <span className="mt-0.5 block text-sm break-words text-muted">{n.body}</span>
        <time dateTime={n.created_at} title={absoluteTime(n.created_at)} className="mt-1 block text-xs text-muted">
          {relativeTime(n.created_at, now)}
        </time>
      </span>
    </>
  );

  const tone = unread ? "bg-accent-soft/60" : undefined;
  return (
    <li className={tone} data-testid="notification" data-unread={unread || undefined}>
      {href ? (
        <Link href={href} onClick={() => onOpen(true)} className={cn(row, interactive)}>
          {content}
        </Link>
      ) : unread ? (
        <button type="button" onClick={() => onOpen(false)} className={cn(row, interactive)}>
          {content}
        </button>
      ) : (
        <div className={row}>{content}</div>
      )}
    </li>
  );
}
