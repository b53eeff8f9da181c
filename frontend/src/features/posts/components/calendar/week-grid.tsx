"use client";

import { useEffect, useRef, useState, type DragEvent } from "react";
import { cn } from "@/lib/cn";
import { displayClock, formatDayKey, type DayKey } from "@/lib/zoned-time";
import type { CalendarItem } from "../../lib/calendar";
import { DRAG_TYPE, TargetChip } from "./target-chip";

const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** The hour the week opens at: 08:00, or earlier when a post goes out before that. */
export function firstHour(days: readonly DayKey[], byDay: ReadonlyMap<DayKey, CalendarItem[]>): number {
  let hour = 8;
  for (const day of days) for (const item of byDay.get(day) ?? []) hour = Math.min(hour, item.wall.hour);
  return hour;
}

/**
 * Seven day columns × 24 hour rows in the user's zone; every cell takes a dropped
 * chip, and a click on an empty part of a cell writes a new post for that hour. The
 * grid scrolls inside itself with the day header kept in view, opening at working hours.
 */
export function WeekGrid({ label, days, today, byDay, ready = true, dragging, onDragStart, onDragEnd, onDrop, onCompose }: {
  /** Names the scrollable region, e.g. "Week of Nov 23 – 29, 2026". */
  label: string;
  days: DayKey[];
  today: DayKey;
  byDay: Map<DayKey, CalendarItem[]>;
  /** The week's posts have loaded (before that the opening hour isn't known). */
  ready?: boolean;
  dragging: CalendarItem | null;
  onDragStart: (item: CalendarItem) => void;
  onDragEnd: () => void;
  onDrop: (day: DayKey, hour: number) => void;
  onCompose: (day: DayKey, hour: number) => void;
}) {
  const [over, setOver] = useState<string | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const opening = firstHour(days, byDay);
  const week = days[0];
  // Once per week shown (not on every poll): scroll so the opening hour sits under the header.
  const scrolledFor = useRef<string | null>(null);
  useEffect(() => {
    const box = scroller.current;
    if (!box || !ready || scrolledFor.current === week) return;
    const row = box.querySelector<HTMLElement>(`[data-testid='week-cell'][data-hour='${opening}']`);
    const header = box.querySelector<HTMLElement>("[data-testid='week-day-header']");
    if (!row) return;
    scrolledFor.current = week ?? null;
    box.scrollTop = row.offsetTop - (header?.offsetHeight ?? 0);
  }, [week, opening, ready]);
  const accept = (event: DragEvent) => {
    if (!dragging && !event.dataTransfer.types.includes(DRAG_TYPE)) return false;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    return true;
  };

  return (
    // `relative` keeps absolutely positioned (sr-only) text inside the scroller; tabIndex lets
    // keyboard users scroll it on narrow screens.
    <div
      ref={scroller}
      className="relative max-h-[70vh] min-h-80 overflow-auto overscroll-contain rounded-xl border border-line bg-surface shadow-xs"
      role="region"
      aria-label={label}
      tabIndex={0}
      data-testid="week-grid"
    >
      <div className="grid min-w-[56rem] grid-cols-[4.5rem_repeat(7,minmax(0,1fr))]">
        <div className="sticky top-0 z-10 border-b border-line bg-surface" aria-hidden="true" />
        {days.map((day) => (
          <div
            key={day}
            className={cn("sticky top-0 z-10 border-b border-l border-line bg-surface px-2 py-2 text-center", day === today && "bg-accent-soft")}
            data-testid="week-day-header"
            data-day={day}
          >
            <div className="text-xs font-medium text-muted uppercase">{formatDayKey(day, { weekday: "short" })}</div>
            <div className={cn("text-lg font-semibold text-fg tabular-nums", day === today && "text-accent-text")}>
              {formatDayKey(day, { day: "numeric" })}
            </div>
            {day === today && <span className="sr-only">(today)</span>}
          </div>
        ))}
        {HOURS.map((hour) => (
          <HourRow
            key={hour}
            hour={hour}
            days={days}
            today={today}
            byDay={byDay}
            over={over}
            setOver={setOver}
            accept={accept}
            onDragStart={onDragStart}
            onDragEnd={onDragEnd}
            onDrop={onDrop}
            onCompose={onCompose}
          />
        ))}
      </div>
    </div>
  );
}

function HourRow({ hour, days, today, byDay, over, setOver, accept, onDragStart, onDragEnd, onDrop, onCompose }: {
  hour: number;
  days: DayKey[];
  today: DayKey;
  byDay: Map<DayKey, CalendarItem[]>;
  over: string | null;
  setOver: (key: string | null) => void;
  accept: (event: DragEvent) => boolean;
  onDragStart: (item: CalendarItem) => void;
  onDragEnd: () => void;
  onDrop: (day: DayKey, hour: number) => void;
  onCompose: (day: DayKey, hour: number) => void;
}) {
  const time = displayClock({ hour, minute: 0 });
  return (
    <>
      <div className="border-t border-line px-2 pt-1 text-right text-[0.7rem] text-muted tabular-nums" aria-hidden="true">
        {time}
      </div>
      {days.map((day) => {
        const key = `${day}T${hour}`;
        const items = (byDay.get(day) ?? []).filter((i) => i.wall.hour === hour);
        return (
          <div
            key={key}
            className={cn(
              "min-h-12 cursor-copy space-y-1 border-t border-l border-line p-1 hover:bg-subtle/60",
              day === today && "bg-accent-soft/40",
              over === key && "bg-accent-soft ring-2 ring-accent ring-inset",
            )}
            data-testid="week-cell"
            data-day={day}
            data-hour={hour}
            title={`Write a post for ${formatDayKey(day, { weekday: "short", day: "numeric", month: "short" })}, ${time}`}
            // A click on the cell itself (not on a chip) starts a post at that hour; keyboard
            // users have the New post button and the Schedule dialog.
            onClick={(e) => {
              if (e.target === e.currentTarget) onCompose(day, hour);
            }}
            onDragOver={(e) => {
              if (accept(e)) setOver(key);
            }}
            onDragLeave={() => setOver(null)}
            onDrop={(e) => {
              if (!accept(e)) return;
              setOver(null);
              onDrop(day, hour);
            }}
          >
            {items.map((item) => (
              <TargetChip key={item.target.id} item={item} onDragStart={onDragStart} onDragEnd={onDragEnd} />
            ))}
          </div>
        );
      })}
    </>
  );
}
