import type { BadgeTone } from "@/components/ui/badge";
import type { AppNotification, Channel } from "../api/types";
import { timeOfDay } from "@/lib/zoned-time";

export interface Health {
  label: string;
  tone: BadgeTone;
  /** The platform's own message, shown under the badge. */
  detail: string | null;
}

function validDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * A time in the browser's zone (or `timeZone`): just the time when it is today,
 * otherwise with the date.
 */
export function formatLocalTime(iso: string, options: { now?: Date; timeZone?: string } = {}): string {
  const date = validDate(iso);
  if (!date) return iso;
  const { now = new Date(), timeZone } = options;
  const day = new Intl.DateTimeFormat("en-CA", { dateStyle: "short", timeZone });
  const sameDay = day.format(date) === day.format(now);
  return new Intl.DateTimeFormat(undefined, {
    ...(sameDay ? {} : { year: "numeric", month: "short", day: "numeric" }),
    ...timeOfDay(),
    timeZone,
  }).format(date);
}

/** Capitalises a server message and ends it with a full stop. */
export function sentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** What a channel's health is read from (the sends fields are optional for older callers). */
export type HealthFields = Pick<Channel, "status" | "status_message" | "rate_limited_until"> &
  Partial<Pick<Channel, "consecutive_failures" | "last_error" | "last_outcome_at">>;

/** "The last 3 tries to post did not go through (the last at 14:05): …" from the sends fields. */
function failuresInARow(channel: HealthFields, options: { now?: Date; timeZone?: string }): string | null {
  const n = channel.consecutive_failures ?? 0;
  if (n <= 0) return null;
  const posts = n === 1 ? "The last try to post did not go through" : `The last ${n} tries to post did not go through`;
  const at = channel.last_outcome_at && validDate(channel.last_outcome_at) ? ` (the last at ${formatLocalTime(channel.last_outcome_at, options)})` : "";
  const why = channel.last_error ? `: ${sentence(channel.last_error)}` : ".";
  return `${posts}${at}${why}`;
}

/** What the health badge says for a channel's stored status. */
export function channelHealth(channel: HealthFields, options: { now?: Date; timeZone?: string } = {}): Health {
  const detail = channel.status_message ? sentence(channel.status_message) : null;
  switch (channel.status) {
    case "ok":
      // Healthy, but say so when the latest sends failed (it turns "Failing" after three).
      return { label: "OK", tone: "accent", detail: failuresInARow(channel, options) };
    case "failing":
      return {
        label: "Failing",
        tone: "danger",
        detail: `${failuresInARow(channel, options) ?? detail ?? "Recent posts did not go through."} LetsGrow keeps trying; the next post that goes through makes it OK again.`,
      };
    case "needs_reconnect":
      return { label: "Needs reconnect", tone: "danger", detail };
    case "rate_limited": {
      const until = channel.rate_limited_until;
      return {
        label: until && validDate(until) ? `Rate-limited until ${formatLocalTime(until, options)}` : "Rate-limited",
        tone: "warn",
        detail,
      };
    }
    case "error":
      return { label: "Error", tone: "danger", detail: detail ?? "The last check failed." };
    default: {
      // A status a newer server may add: show it as words.
      const status: string = channel.status;
      return { label: status.replaceAll("_", " "), tone: "neutral", detail };
    }
  }
}

export function needsReconnect(channels: readonly Channel[] | undefined): Channel[] {
  return (channels ?? []).filter((c) => c.status === "needs_reconnect");
}

/** The newest unread "needs reconnect" notification for each channel id. */
export function reconnectNotices(notifications: readonly AppNotification[] | undefined): Map<string, AppNotification> {
  const byChannel = new Map<string, AppNotification>();
  for (const n of notifications ?? []) {
    if (n.kind !== "channel_needs_reconnect" || n.read_at || !n.channel_id) continue;
    if (!byChannel.has(n.channel_id)) byChannel.set(n.channel_id, n);
  }
  return byChannel;
}
