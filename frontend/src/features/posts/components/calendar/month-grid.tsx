"use client";

import { useState, type DragEvent } from "react";
import { cn } from "@/lib/cn";
import { formatDayKey, parseDayKey, type DayKey } from "@/lib/zoned-time";
import type { CalendarItem } from "../../lib/calendar";
import { DRAG_TYPE, TargetChip } from "./target-chip";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const SHOWN = 4;

/** Whole weeks covering the month; a dropped chip keeps its time of day. */
export function MonthGrid({ label, days, month, today, byDay, dragging, onDragStart, onDragEnd, onDrop, onShowDay }: {
  label: string;
  days: DayKey[];
  /** 1–12: days outside it are dimmed. */
  month: number;
  today: DayKey;
  byDay: Map<DayKey, CalendarItem[]>;
  dragging: CalendarItem | null;
  onDragStart: (item: CalendarItem) => void;
  onDragEnd: () => void;
  onDrop: (day: DayKey) => void;
  onShowDay: (day: DayKey) => void;
}) {
  const [over, setOver] = useState<DayKey | null>(null);
  const accept = (event: DragEvent) => {
    if (!dragging && !event.dataTransfer.types.includes(DRAG_TYPE)) return false;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    return true;
  };

  return (
    <div
      className="relative overflow-x-auto rounded-xl border border-line bg-surface shadow-xs"
      role="region"
      aria-label={label}
      tabIndex={0}
      data-testid="month-grid"
    >
      <div className="grid min-w-[44rem] grid-cols-7">
        {WEEKDAYS.map((d) => (
          <div key={d} className="border-b border-line px-2 py-2 text-center text-xs font-medium text-muted uppercase">
            {d}
          </div>
        ))}
        {days.map((day, index) => {
          const items = byDay.get(day) ?? [];
          const inMonth = parseDayKey(day).month === month;
          const extra = items.length - SHOWN;
          return (
            <div
              key={day}
              className={cn(
                "min-h-28 space-y-1 border-line p-1.5",
                index % 7 !== 0 && "border-l",
                index >= 7 && "border-t",
                !inMonth && "bg-subtle/60",
                day === today && "bg-accent-soft/50",
                over === day && "bg-accent-soft ring-2 ring-accent ring-inset",
              )}
              data-testid="month-cell"
              data-day={day}
              onDragOver={(e) => {
                if (accept(e)) setOver(day);
              }}
              onDragLeave={() => setOver(null)}
              onDrop={(e) => {
                if (!accept(e)) return;
                setOver(null);
                onDrop(day);
              }}
            >
              <div
                className={cn(
                  "flex size-6 items-center justify-center rounded-full text-xs font-semibold tabular-nums",
                  day === today ? "bg-accent text-on-accent" : inMonth ? "text-fg" : "text-muted",
                )}
              >
                <span aria-hidden="true">{parseDayKey(day).day}</span>
                <span className="sr-only">
                  {formatDayKey(day, { weekday: "long", day: "numeric", month: "long" })}
                  {day === today ? " (today)" : ""}
                </span>
              </div>
              {items.slice(0, SHOWN).map((item) => (
                <TargetChip key={item.target.id} item={item} onDragStart={onDragStart} onDragEnd={onDragEnd} compact />
              ))}
              {extra > 0 && (
                <button
                  type="button"
                  onClick={() => onShowDay(day)}
                  className="w-full rounded px-1 text-left text-xs font-medium text-muted hover:bg-subtle hover:text-fg"
                >
                  +{extra} more
                </button>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
