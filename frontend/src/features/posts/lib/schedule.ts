import { clock, dayKey, displayClock, formatDayKey, formatInZone, parseLocal, wallTime, zoneAbbreviation } from "@/lib/zoned-time";
import type { ResolvedTime } from "../api/types";

export interface ResolutionText {
  kind: "exact" | "gap" | "overlap";
  /** When it goes out, in the chosen zone: "Sun, 29 Mar 2026, 03:30 CEST". */
  when: string;
  /** For a DST gap or overlap: what happens to the chosen time, in words. */
  dst: string | null;
  /** The server's own account (schedule_resolve `message`), shown under `dst`. */
  server: string;
}

const zoneName = (zone: string) => zone.replaceAll("_", " ");

function capitalise(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const c = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?)]$/.test(c) ? c : `${c}.`;
}

/**
 * Words for a schedule_resolve answer, e.g. for a gap: "02:30 doesn't exist on 29 Mar in
 * Europe/Berlin; it will go out at 03:30 (CEST)."
 */
export function describeResolution(resolved: ResolvedTime, local: string, zone: string, locale?: string): ResolutionText {
  const show = (w: Parameters<typeof displayClock>[0]) => displayClock(w, locale);
  const picked = parseLocal(local);
  const utc = new Date(resolved.utc);
  const out = wallTime(utc, zone);
  const abbr = zoneAbbreviation(utc, zone);
  const when = `${formatDayKey(dayKey(out), { weekday: "short", day: "numeric", month: "short", year: "numeric" }, locale)}, ${show(out)} ${abbr}`;
  const kind = resolved.kind === "gap" || resolved.kind === "overlap" ? resolved.kind : "exact";
  const server = capitalise(resolved.message);
  if (kind === "exact" || !picked) return { kind, when, dst: null, server };
  const day = formatDayKey(dayKey(picked), { day: "numeric", month: "short" }, locale);
  if (kind === "gap") {
    return {
      kind,
      when,
      dst: `${show(picked)} doesn't exist on ${day} in ${zoneName(zone)} (the clocks go forward); it will go out at ${show(out)} ${abbr}.`,
      server,
    };
  }
  const later = resolved.later ? new Date(resolved.later) : null;
  const second = later ? ` ${zoneAbbreviation(later, zone)}` : "";
  return {
    kind,
    when,
    dst: `${show(picked)} happens twice on ${day} in ${zoneName(zone)} (the clocks go back); it will go out at the first one, ${show(out)} ${abbr}${second ? `, not ${show(picked)}${second}` : ""}.`,
    server,
  };
}

/** A default for a new schedule: the next full hour in `zone`, as date and time inputs want it. */
export function nextFullHour(zone: string, now: Date = new Date()): { date: string; time: string } {
  const next = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000);
  const w = wallTime(next, zone);
  return { date: dayKey(w), time: clock(w) };
}

/** The resolved instant shown in the user's zone, for toasts and confirmations. */
export function formatResolved(resolved: ResolvedTime, zone: string): string {
  return formatInZone(resolved.utc, zone);
}
