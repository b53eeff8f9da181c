"use client";

import Link from "next/link";
import { Icon } from "@/components/ui/icons";
import { cn } from "@/lib/cn";
import { formatDayKey, type DayKey } from "@/lib/zoned-time";
import type { CalendarItem } from "../../lib/calendar";
import { TargetChip } from "./target-chip";

/** The week as a list of days, for narrow screens: each day's posts stacked at full width. */
export function DayList({ label, days, today, byDay, composeHref }: {
  label: string;
  days: DayKey[];
  today: DayKey;
  byDay: Map<DayKey, CalendarItem[]>;
  composeHref: (day: DayKey) => string;
}) {
  return (
    <ol className="space-y-3" aria-label={label} data-testid="day-list">
      {days.map((day) => {
        const items = byDay.get(day) ?? [];
        const name = formatDayKey(day, { weekday: "long", day: "numeric", month: "long" });
        return (
          <li key={day} className={cn("rounded-xl border border-line bg-surface shadow-xs", day === today && "border-accent")} data-testid="day-list-day" data-day={day}>
            <div className="flex items-center justify-between gap-2 border-b border-line px-4 py-2">
              <h3 className={cn("text-sm font-semibold", day === today ? "text-accent-text" : "text-fg")}>
                {name}
                {day === today && <span className="font-normal text-muted"> · today</span>}
              </h3>
              <Link
                href={composeHref(day)}
                className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-accent-text hover:bg-subtle"
                aria-label={`Write a post for ${name}`}
              >
                <Icon name="plus" className="size-3.5" />
                Post
              </Link>
            </div>
            {items.length === 0 ? (
              <p className="px-4 py-2 text-sm text-muted">Nothing planned.</p>
            ) : (
              <ul className="space-y-1.5 p-2">
                {items.map((item) => (
                  <li key={item.target.id}>
                    <TargetChip item={item} />
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
