import { addDays, dayKey, startOfDayUtc, wallTime, type DayKey } from "@/lib/zoned-time";
import type { Post, PostTarget } from "../api/types";
import { targetTime } from "./content";

export interface OverviewItem {
  post: Post;
  target: PostTarget;
  at: Date;
}

function items(posts: readonly Post[], keep: (t: PostTarget) => boolean): OverviewItem[] {
  const out: OverviewItem[] = [];
  for (const post of posts) {
    for (const target of post.targets) {
      const iso = targetTime(target);
      const at = iso ? new Date(iso) : null;
      if (keep(target) && at && !Number.isNaN(at.getTime())) out.push({ post, target, at });
    }
  }
  return out;
}

/** The next channels due to go out (scheduled, publishing or unconfirmed), soonest first. */
export function upcoming(posts: readonly Post[], now: Date, max = 5): OverviewItem[] {
  return items(posts, (t) => ["scheduled", "publishing", "unconfirmed"].includes(t.state))
    .filter((i) => i.at.getTime() >= now.getTime() - 15 * 60_000)
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .slice(0, max);
}

/** Failed channels, most recent first. */
export function recentFailures(posts: readonly Post[], max = 5): OverviewItem[] {
  return items(posts, (t) => t.state === "failed")
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .slice(0, max);
}

export interface GlanceDay {
  day: DayKey;
  planned: number;
  published: number;
  failed: number;
}

/** Seven days from `today` in `zone`: how many channels are planned, went out, or failed each day. */
export function weekAtAGlance(posts: readonly Post[], today: DayKey, zone: string): GlanceDay[] {
  const days = Array.from({ length: 7 }, (_, i) => addDays(today, i));
  const byDay = new Map(days.map((day) => [day, { day, planned: 0, published: 0, failed: 0 }]));
  for (const { target, at } of items(posts, () => true)) {
    const entry = byDay.get(dayKey(wallTime(at, zone)));
    if (!entry) continue;
    if (target.state === "published") entry.published++;
    else if (target.state === "failed") entry.failed++;
    else if (target.state !== "draft") entry.planned++;
  }
  return days.map((d) => byDay.get(d) ?? { day: d, planned: 0, published: 0, failed: 0 });
}

/** The API range for the seven days from `today`. */
export function glanceRange(today: DayKey, zone: string): { from: string; to: string } {
  return { from: startOfDayUtc(today, zone).toISOString(), to: startOfDayUtc(addDays(today, 7), zone).toISOString() };
}
