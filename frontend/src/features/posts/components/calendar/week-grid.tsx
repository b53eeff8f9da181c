"use client";

import { useState, type DragEvent } from "react";
import { cn } from "@/lib/cn";
import { formatDayKey, type DayKey } from "@/lib/zoned-time";
import type { CalendarItem } from "../../lib/calendar";
import { DRAG_TYPE, TargetChip } from "./target-chip";

const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** Seven day columns × 24 hour rows in the user's zone; every cell takes a dropped chip. */
export function WeekGrid({ label, days, today, byDay, dragging, onDragStart, onDragEnd, onDrop }: {
  /** Names the scrollable region, e.g. "Week of Nov 23 – 29, 2026". */
  label: string;
  days: DayKey[];
  today: DayKey;
  byDay: Map<DayKey, CalendarItem[]>;
  dragging: CalendarItem | null;
  onDragStart: (item: CalendarItem) => void;
  onDragEnd: () => void;
  onDrop: (day: DayKey, hour: number) => void;
}) {
  const [over, setOver] = useState<string | null>(null);
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
      className="relative overflow-x-auto rounded-xl border border-line bg-surface shadow-xs"
      role="region"
      aria-label={label}
      tabIndex={0}
      data-testid="week-grid"
    >
      <div className="grid min-w-[52rem] grid-cols-[3.5rem_repeat(7,minmax(0,1fr))]">
        <div className="sticky top-0 border-b border-line bg-surface" aria-hidden="true" />
        {days.map((day) => (
          <div
            key={day}
            className={cn("border-b border-l border-line px-2 py-2 text-center", day === today && "bg-accent-soft")}
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
          />
        ))}
      </div>
    </div>
  );
}

function HourRow({ hour, days, today, byDay, over, setOver, accept, onDragStart, onDragEnd, onDrop }: {
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
}) {
  return (
    <>
      <div className="border-t border-line px-2 pt-1 text-right text-[0.7rem] text-muted tabular-nums" aria-hidden="true">
        {String(hour).padStart(2, "0")}:00
      </div>
      {days.map((day) => {
        const key = `${day}T${hour}`;
        const items = (byDay.get(day) ?? []).filter((i) => i.wall.hour === hour);
        return (
          <div
            key={key}
            className={cn(
              "min-h-10 space-y-1 border-t border-l border-line p-1",
              day === today && "bg-accent-soft/40",
              over === key && "bg-accent-soft ring-2 ring-accent ring-inset",
            )}
            data-testid="week-cell"
            data-day={day}
            data-hour={hour}
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
