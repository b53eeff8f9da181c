import {
  addDays,
  addMonths,
  dayKey,
  parseDayKey,
  startOfDayUtc,
  startOfWeek,
  wallTime,
  type DayKey,
  type WallTime,
} from "@/lib/zoned-time";
import type { Post, PostTarget } from "../api/types";
import { targetTime } from "./content";

/** `list` shows the same week as `week`, one day under another (narrow screens). */
export type CalendarView = "week" | "month" | "list";

/** The days a view shows, Monday first: 7 for a week, whole weeks covering the month. */
export function visibleDays(view: CalendarView, anchor: DayKey): DayKey[] {
  if (view !== "month") {
    const start = startOfWeek(anchor);
    return Array.from({ length: 7 }, (_, i) => addDays(start, i));
  }
  const { year, month } = parseDayKey(anchor);
  const first = dayKey({ year, month, day: 1 });
  const start = startOfWeek(first);
  const nextMonth = addMonths(first, 1);
  const days: DayKey[] = [];
  for (let d = start; d < nextMonth || days.length % 7 !== 0; d = addDays(d, 1)) days.push(d);
  return days;
}

/** The instants bounding the visible days in `zone`: `from` inclusive, `to` exclusive. */
export function visibleRange(view: CalendarView, anchor: DayKey, zone: string): { from: Date; to: Date } {
  const days = visibleDays(view, anchor);
  const first = days[0] ?? anchor;
  const last = days[days.length - 1] ?? anchor;
  return { from: startOfDayUtc(first, zone), to: startOfDayUtc(addDays(last, 1), zone) };
}

/** Where prev/next go. */
export function shiftAnchor(view: CalendarView, anchor: DayKey, step: -1 | 1): DayKey {
  return view === "month" ? addMonths(anchor, step) : addDays(anchor, 7 * step);
}

export interface CalendarItem {
  post: Post;
  target: PostTarget;
  at: Date;
  /** The wall time in the calendar's zone. */
  wall: WallTime;
  day: DayKey;
}

/**
 * Every target with a time, placed on its day in `zone` (never the browser's zone),
 * sorted by time; targets without a time (drafts) are returned apart.
 */
export function placeTargets(posts: readonly Post[], zone: string): { byDay: Map<DayKey, CalendarItem[]>; unscheduled: Array<{ post: Post; target: PostTarget }> } {
  const byDay = new Map<DayKey, CalendarItem[]>();
  const unscheduled: Array<{ post: Post; target: PostTarget }> = [];
  for (const post of posts) {
    for (const target of post.targets) {
      const iso = targetTime(target);
      const at = iso ? new Date(iso) : null;
      if (!at || Number.isNaN(at.getTime())) {
        unscheduled.push({ post, target });
        continue;
      }
      const wall = wallTime(at, zone);
      const day = dayKey(wall);
      const list = byDay.get(day) ?? [];
      list.push({ post, target, at, wall, day });
      byDay.set(day, list);
    }
  }
  for (const list of byDay.values()) list.sort((a, b) => a.at.getTime() - b.at.getTime() || a.target.id.localeCompare(b.target.id));
  return { byDay, unscheduled };
}

/** The wall time a chip dropped on `day` (and, in the week view, `hour`) moves to: its minutes are kept. */
export function dropTarget(item: Pick<CalendarItem, "wall">, day: DayKey, hour?: number): WallTime {
  return { ...parseDayKey(day), hour: hour ?? item.wall.hour, minute: item.wall.minute };
}
