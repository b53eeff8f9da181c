/**
 * Wall-clock arithmetic in an explicit IANA zone, built on Intl only. Nothing here
 * reads the browser's own zone: every function takes the zone it works in.
 */

export interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** A calendar day as `YYYY-MM-DD` (no zone: it is a date on a wall calendar). */
export type DayKey = string;

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall time an instant shows in `zone`. */
export function wallTime(at: Date, zone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of partsFormatter(zone).formatToParts(at)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    // Some engines print midnight as 24 even with h23.
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
  };
}

function wallAsUtcMs(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
}

/** Minutes `zone` is ahead of UTC at that instant (Berlin in summer: 120). */
export function zoneOffsetMinutes(at: Date, zone: string): number {
  const ms = Math.floor(at.getTime() / 60_000) * 60_000;
  return Math.round((wallAsUtcMs(wallTime(new Date(ms), zone)) - ms) / 60_000);
}

/**
 * The instant a wall time in `zone` names. A time in a DST gap comes out shifted by
 * the gap, an ambiguous one as one of its two instants: this is for ranges and
 * positions; the server's schedule_resolve decides what a post actually does.
 */
export function wallToUtc(w: WallTime, zone: string): Date {
  const guess = wallAsUtcMs(w);
  const first = guess - zoneOffsetMinutes(new Date(guess), zone) * 60_000;
  const second = guess - zoneOffsetMinutes(new Date(first), zone) * 60_000;
  return new Date(second);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

export function dayKey(w: Pick<WallTime, "year" | "month" | "day">): DayKey {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

export function parseDayKey(key: DayKey): { year: number; month: number; day: number } {
  const [y, m, d] = key.split("-").map(Number);
  return { year: y ?? 1970, month: m ?? 1, day: d ?? 1 };
}

/** `HH:MM`, the machine form (inputs, `mode: local`); people see `displayClock`. */
export function clock(w: Pick<WallTime, "hour" | "minute">): string {
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/**
 * The time-of-day options every page uses, so a time reads the same everywhere in the
 * locale's own 12- or 24-hour convention: "2:20 PM" in the US, "02:20"/"14:20" in
 * Britain or Germany (24-hour clocks keep the leading zero). Spread them into
 * `formatInZone` options next to any date fields.
 */
export function timeOfDay(locale?: string): Intl.DateTimeFormatOptions {
  const cycle = new Intl.DateTimeFormat(locale, { hour: "numeric" }).resolvedOptions().hourCycle;
  const twelve = cycle === "h11" || cycle === "h12";
  return { hour: twelve ? "numeric" : "2-digit", minute: "2-digit" };
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** A wall time of day for people, in the locale's convention: "2:20 PM" or "02:20"/"14:20". */
export function displayClock(w: Pick<WallTime, "hour" | "minute">, locale?: string): string {
  const key = locale ?? "";
  let f = clockFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...timeOfDay(locale), timeZone: "UTC" });
    clockFormats.set(key, f);
  }
  return f.format(new Date(Date.UTC(2000, 0, 1, w.hour, w.minute)));
}

/** `YYYY-MM-DDTHH:MM`, the format schedule_resolve and `mode: local` take. */
export function localString(w: WallTime): string {
  return `${dayKey(w)}T${clock(w)}`;
}

/** Parses `YYYY-MM-DDTHH:MM` (or with a space); null when malformed. */
export function parseLocal(value: string): WallTime | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  return { year, month, day, hour, minute };
}

/** The calendar day `n` days after `key`. */
export function addDays(key: DayKey, n: number): DayKey {
  const { year, month, day } = parseDayKey(key);
  const d = new Date(Date.UTC(year, month - 1, day + n));
  return dayKey({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/** The same day of the month `n` months later (clamped to the month's last day). */
export function addMonths(key: DayKey, n: number): DayKey {
  const { year, month, day } = parseDayKey(key);
  const first = new Date(Date.UTC(year, month - 1 + n, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return dayKey({ year: first.getUTCFullYear(), month: first.getUTCMonth() + 1, day: Math.min(day, last) });
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayIndex(key: DayKey): number {
  const { year, month, day } = parseDayKey(key);
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
}

/** The Monday of the week `key` is in. */
export function startOfWeek(key: DayKey): DayKey {
  return addDays(key, -weekdayIndex(key));
}

/** Today's date in `zone`. */
export function todayIn(zone: string, now: Date = new Date()): DayKey {
  return dayKey(wallTime(now, zone));
}

/** The instant a calendar day starts in `zone`. */
export function startOfDayUtc(key: DayKey, zone: string): Date {
  return wallToUtc({ ...parseDayKey(key), hour: 0, minute: 0 }, zone);
}

/** A date key rendered for people, e.g. "Sun 29 Mar" (a wall date: formatted as UTC). */
export function formatDayKey(key: DayKey, options: Intl.DateTimeFormatOptions, locale?: string): string {
  const { year, month, day } = parseDayKey(key);
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" }).format(new Date(Date.UTC(year, month - 1, day, 12)));
}

/** An instant in `zone`, e.g. "Mar 29, 2026, 3:30 AM". */
export function formatInZone(
  iso: string | Date,
  zone: string,
  options?: Intl.DateTimeFormatOptions,
  locale?: string,
): string {
  // By default "Mar 29, 2026, 3:30 AM": a medium date and the shared time of day.
  options ??= { year: "numeric", month: "short", day: "numeric", ...timeOfDay(locale) };
  const date = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone: zone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(locale, options).format(date);
  }
}

/**
 * The zone's short name at that instant: "CEST", "EDT", "BST", or "GMT+9" where
 * English has no common abbreviation. (en-US knows only the American names, en-GB
 * the European ones, so both are asked.)
 */
export function zoneAbbreviation(at: Date, zone: string): string {
  const name = (locale: string) => {
    try {
      return (
        new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: "short" })
          .formatToParts(at)
          .find((p) => p.type === "timeZoneName")?.value ?? null
      );
    } catch {
      return null;
    }
  };
  const us = name("en-US");
  if (us && !us.startsWith("GMT")) return us;
  return name("en-GB") ?? us ?? zone;
}

const INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

/**
 * Rewrites every RFC 3339 instant inside a server message ("retrying at
 * 2026-12-07T01:26:40.034Z") as a time in `zone`, so no page shows raw UTC.
 */
export function localizeInstants(text: string, zone: string, locale?: string): string {
  return text.replace(INSTANT, (iso) => (Number.isNaN(Date.parse(iso)) ? iso : formatInZone(iso, zone, undefined, locale)));
}
