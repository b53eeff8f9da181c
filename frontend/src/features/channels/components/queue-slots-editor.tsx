"use client";

import { useId, useState } from "react";
import toast from "react-hot-toast";
import { errorMessage } from "@/api/errors";
import { Button } from "@/components/ui/button";
import { Icon } from "@/components/ui/icons";
import { Notice } from "@/components/ui/notice";
import { Spinner } from "@/components/ui/spinner";
import { formatInZone, timeOfDay } from "@/lib/zoned-time";
import { useSetSlots, useSlots, type Slots, type SlotTime, type Weekday } from "../api/slots";

const WEEKDAYS: ReadonlyArray<{ id: Weekday; short: string; long: string }> = [
  { id: "mon", short: "Mon", long: "Monday" },
  { id: "tue", short: "Tue", long: "Tuesday" },
  { id: "wed", short: "Wed", long: "Wednesday" },
  { id: "thu", short: "Thu", long: "Thursday" },
  { id: "fri", short: "Fri", long: "Friday" },
  { id: "sat", short: "Sat", long: "Saturday" },
  { id: "sun", short: "Sun", long: "Sunday" },
];

const key = (weekday: Weekday, time: string) => `${weekday}@${time}`;

/** The editor's picture of a slot list: the times used, and which weekday has each. */
export function slotGrid(slots: readonly SlotTime[]): { times: string[]; on: Set<string> } {
  const times = [...new Set(slots.map((s) => s.time))].sort();
  return { times, on: new Set(slots.map((s) => key(s.weekday, s.time))) };
}

export function slotsFromGrid(times: readonly string[], on: ReadonlySet<string>): SlotTime[] {
  const slots: SlotTime[] = [];
  for (const time of [...times].sort()) {
    for (const d of WEEKDAYS) if (on.has(key(d.id, time))) slots.push({ weekday: d.id, time });
  }
  return slots;
}

/** "Add to queue" uses these weekly times: weekday checkboxes × a list of times, in the account's zone. */
export function QueueSlotsEditor({ channelId, handle }: { channelId: string; handle: string }) {
  const slots = useSlots(channelId);
  if (slots.isPending) {
    return (
      <div className="flex items-center gap-2 px-4 py-4 text-sm text-muted sm:px-5" role="status">
        <Spinner className="size-4" /> Loading queue slots…
      </div>
    );
  }
  if (slots.isError) {
    return (
      <div className="px-4 py-4 sm:px-5">
        <Notice tone="error">
          <p>{errorMessage(slots.error)}</p>
        </Notice>
      </div>
    );
  }
  return <SlotsForm key={slots.dataUpdatedAt} channelId={channelId} handle={handle} initial={slots.data} />;
}

function SlotsForm({ channelId, handle, initial }: { channelId: string; handle: string; initial: Slots }) {
  const save = useSetSlots();
  const start = slotGrid(initial.slots);
  const [times, setTimes] = useState<string[]>(start.times.length ? start.times : ["09:00"]);
  const [on, setOn] = useState<Set<string>>(start.on);
  const [newTime, setNewTime] = useState("12:00");
  const [error, setError] = useState<string | null>(null);
  const newTimeId = useId();
  const zone = initial.timezone;

  const toggle = (k: string, value: boolean) =>
    setOn((old) => {
      const next = new Set(old);
      if (value) next.add(k);
      else next.delete(k);
      return next;
    });

  const addTime = () => {
    if (!/^\d{2}:\d{2}$/.test(newTime)) {
      setError("Enter a time as HH:MM.");
      return;
    }
    setError(null);
    if (times.includes(newTime)) return;
    setTimes([...times, newTime].sort());
    // A new time starts on weekdays, the usual choice.
    setOn((old) => new Set([...old, ...WEEKDAYS.slice(0, 5).map((d) => key(d.id, newTime))]));
  };

  const removeTime = (time: string) => {
    setTimes(times.filter((t) => t !== time));
    setOn((old) => new Set([...old].filter((k) => !k.endsWith(`@${time}`))));
  };

  const submit = async () => {
    setError(null);
    try {
      const saved = await save.mutateAsync({ id: channelId, slots: slotsFromGrid(times, on) });
      toast.success(`Saved ${saved.slots.length} weekly slot${saved.slots.length === 1 ? "" : "s"} for ${handle}.`);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const current = save.data ?? initial;
  const count = slotsFromGrid(times, on).length;

  return (
    <div className="space-y-4 px-4 py-4 sm:px-5" data-testid="queue-slots">
      <p className="text-sm text-muted">
        &ldquo;Add to queue&rdquo; puts a post in the next free slot. Times are in your time zone,{" "}
        <strong className="font-medium text-fg">{zone.replaceAll("_", " ")}</strong>, and follow daylight saving.
      </p>
      {times.length > 0 ? (
        <div className="relative overflow-x-auto">
          <table className="w-full min-w-[30rem] text-sm">
            <caption className="sr-only">Weekly queue slots for {handle}</caption>
            <thead>
              <tr className="text-xs text-muted">
                <th scope="col" className="py-1 pr-2 text-left font-medium">Time</th>
                {WEEKDAYS.map((d) => (
                  <th key={d.id} scope="col" className="px-1 py-1 text-center font-medium">
                    <abbr title={d.long} className="no-underline">{d.short}</abbr>
                  </th>
                ))}
                <th scope="col" className="sr-only">Remove</th>
              </tr>
            </thead>
            <tbody>
              {times.map((time) => (
                <tr key={time} className="border-t border-line">
                  <th scope="row" className="py-1.5 pr-2 text-left font-mono font-medium text-fg tabular-nums">
                    {time}
                  </th>
                  {WEEKDAYS.map((d) => (
                    <td key={d.id} className="px-1 py-1.5 text-center">
                      <input
                        type="checkbox"
                        className="size-4 accent-[var(--accent)]"
                        checked={on.has(key(d.id, time))}
                        onChange={(e) => toggle(key(d.id, time), e.target.checked)}
                        aria-label={`${d.long} ${time}`}
                      />
                    </td>
                  ))}
                  <td className="py-1.5 text-right">
                    <button
                      type="button"
                      onClick={() => removeTime(time)}
                      className="inline-flex size-7 items-center justify-center rounded text-muted hover:bg-subtle hover:text-danger"
                      aria-label={`Remove ${time}`}
                    >
                      <Icon name="trash" className="size-4" />
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="text-sm text-muted">No times yet: add one below.</p>
      )}
      <div className="flex flex-wrap items-end gap-2">
        <div className="space-y-1">
          <label htmlFor={newTimeId} className="block text-sm font-medium text-fg">
            New time
          </label>
          <input
            id={newTimeId}
            type="time"
            value={newTime}
            onChange={(e) => setNewTime(e.target.value)}
            className="block h-8 rounded-lg border border-line bg-surface px-2 text-sm text-fg"
          />
        </div>
        <Button variant="secondary" size="sm" onClick={addTime}>
          <Icon name="plus" className="size-4" />
          Add time
        </Button>
      </div>
      {error && (
        <Notice tone="error" live>
          <p>{error}</p>
        </Notice>
      )}
      <div className="flex flex-wrap items-center justify-between gap-3 border-t border-line pt-3">
        <p className="text-sm text-muted" data-testid="next-free-slot">
          {current.next_free ? (
            <>
              Next free slot:{" "}
              <time dateTime={current.next_free} className="font-medium text-fg">
                {formatInZone(current.next_free, zone, { weekday: "short", day: "numeric", month: "short", ...timeOfDay() })}
              </time>
            </>
          ) : (
            "No free slot yet: saved slots give the queue its times."
          )}
        </p>
        <Button size="sm" onClick={submit} loading={save.isPending}>
          Save {count} slot{count === 1 ? "" : "s"}
        </Button>
      </div>
    </div>
  );
}
