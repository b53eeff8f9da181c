import type { AppNotification } from "@/api/notifications";
import { timeOfDay } from "@/lib/zoned-time";

export function unreadCount(notifications: readonly AppNotification[] | undefined): number {
  return (notifications ?? []).filter((n) => !n.read_at).length;
}

/** The bell's badge: nothing at 0, "9+" above 9. */
export function badgeText(unread: number): string | null {
  if (unread <= 0) return null;
  return unread > 9 ? "9+" : String(unread);
}

/** The bell's accessible name, with the exact count the badge may shorten. */
export function bellLabel(unread: number): string {
  return unread > 0 ? `Notifications, ${unread} unread` : "Notifications";
}

/**
 * Where a notification leads. A failed publish goes to its post (where Retry is), or,
 * for notifications written before they named the post, to the queue filtered to failed
 * posts (and to its channel when it names one); anything else about a channel goes to
 * the Channels page. A disconnected channel is gone, so its notification leads nowhere.
 */
export function notificationHref(n: Pick<AppNotification, "kind" | "channel_id"> & { post_id?: string | null }): string | null {
  if (n.kind === "publish_failed") {
    if (n.post_id) return `/posts/view/?${new URLSearchParams({ id: n.post_id }).toString()}`;
    const query = new URLSearchParams({ state: "failed" });
    if (n.channel_id) query.set("channel_id", n.channel_id);
    return `/queue/?${query.toString()}`;
  }
  return n.channel_id ? "/channels/" : null;
}

/** The list with `ids` (every one when `ids` is left out) marked read at `at`; `changed` says which were unread. */
export function markRead(
  notifications: readonly AppNotification[],
  ids: readonly string[] | null | undefined,
  at: string,
): { next: AppNotification[]; changed: string[] } {
  const changed: string[] = [];
  const next = notifications.map((n) => {
    if (n.read_at || (ids && !ids.includes(n.id))) return n;
    changed.push(n.id);
    return { ...n, read_at: at };
  });
  return { next, changed };
}

const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number, number]> = [
  // unit, seconds in it, use it below this many seconds
  ["minute", 60, 45 * 60],
  ["hour", 3600, 22 * 3600],
  ["day", 86_400, 7 * 86_400],
];

/** "just now", "5 minutes ago", "yesterday"…; a week or more back, the date. */
export function relativeTime(iso: string, now: number = Date.now(), locale?: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return "";
  const seconds = Math.max(0, (now - time) / 1000); // a clock running behind still reads "just now"
  if (seconds < 45) return "just now";
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, size, below] of UNITS) {
    if (seconds < below) return format.format(-Math.max(1, Math.round(seconds / size)), unit);
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(time);
}

/** The full date and time in the browser's zone, for a tooltip. */
export function absoluteTime(iso: string, locale?: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return new Intl.DateTimeFormat(locale, { weekday: "long", year: "numeric", month: "long", day: "numeric", ...timeOfDay(locale) }).format(time);
}
