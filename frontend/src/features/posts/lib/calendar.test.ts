import { describe, expect, it } from "vitest";
import { makePost, makeTarget } from "../test-data";
import { dropTarget, placeTargets, shiftAnchor, visibleDays, visibleRange } from "./calendar";

describe("calendar layout", () => {
  it("shows Monday-first weeks and whole weeks around a month", () => {
    expect(visibleDays("week", "2026-11-27")).toEqual([
      "2026-11-23",
      "2026-11-24",
      "2026-11-25",
      "2026-11-26",
      "2026-11-27",
      "2026-11-28",
      "2026-11-29",
    ]);
    const month = visibleDays("month", "2026-03-15");
    expect(month[0]).toBe("2026-02-23");
    expect(month[month.length - 1]).toBe("2026-04-05");
    expect(month.length % 7).toBe(0);
    expect(shiftAnchor("month", "2026-01-31", 1)).toBe("2026-02-28");
    expect(shiftAnchor("week", "2026-11-27", -1)).toBe("2026-11-20");
  });

  it("bounds the range by midnights in the user's zone, across a DST change", () => {
    const berlin = visibleRange("week", "2026-03-25", "Europe/Berlin");
    expect(berlin.from.toISOString()).toBe("2026-03-22T23:00:00.000Z");
    // The week ends after the clocks went forward: Monday 00:00 CEST.
    expect(berlin.to.toISOString()).toBe("2026-03-29T22:00:00.000Z");
    const newYork = visibleRange("week", "2026-03-25", "America/New_York");
    expect(newYork.from.toISOString()).toBe("2026-03-23T04:00:00.000Z");
  });

  it("puts a target on its day in the calendar's zone, not the browser's", () => {
    // 04:30 UTC on 8 March 2026: still the 7th in New York (23:30 EST), the 8th in Berlin.
    const post = makePost({ targets: [makeTarget({ scheduled_at: "2026-03-08T04:30:00Z" })] });
    const ny = placeTargets([post], "America/New_York");
    expect([...ny.byDay.keys()]).toEqual(["2026-03-07"]);
    expect(ny.byDay.get("2026-03-07")?.[0]?.wall).toMatchObject({ hour: 23, minute: 30 });
    const berlin = placeTargets([post], "Europe/Berlin");
    expect([...berlin.byDay.keys()]).toEqual(["2026-03-08"]);
    expect(berlin.byDay.get("2026-03-08")?.[0]?.wall).toMatchObject({ hour: 5, minute: 30 });
  });

  it("follows each zone's own DST dates", () => {
    // 29 March 2026, 12:00 UTC: Berlin is already on summer time (14:00), New York since 8 March (08:00).
    const post = makePost({ targets: [makeTarget({ scheduled_at: "2026-03-29T12:00:00Z" })] });
    expect(placeTargets([post], "Europe/Berlin").byDay.get("2026-03-29")?.[0]?.wall.hour).toBe(14);
    expect(placeTargets([post], "America/New_York").byDay.get("2026-03-29")?.[0]?.wall.hour).toBe(8);
    // A week earlier Berlin was still on UTC+1.
    const before = makePost({ targets: [makeTarget({ scheduled_at: "2026-03-22T12:00:00Z" })] });
    expect(placeTargets([before], "Europe/Berlin").byDay.get("2026-03-22")?.[0]?.wall.hour).toBe(13);
  });

  it("keeps drafts without a time apart and sorts each day by time", () => {
    const post = makePost({
      targets: [
        makeTarget({ id: "t2", scheduled_at: "2026-12-01T15:00:00Z" }),
        makeTarget({ id: "t1", scheduled_at: "2026-12-01T09:00:00Z" }),
        makeTarget({ id: "t3", state: "draft", scheduled_at: null }),
      ],
    });
    const placed = placeTargets([post], "UTC");
    expect(placed.byDay.get("2026-12-01")?.map((i) => i.target.id)).toEqual(["t1", "t2"]);
    expect(placed.unscheduled.map((u) => u.target.id)).toEqual(["t3"]);
  });

  it("keeps the minutes when a chip is dropped on another slot", () => {
    const item = { wall: { year: 2026, month: 12, day: 1, hour: 9, minute: 45 } };
    expect(dropTarget(item, "2026-12-03", 14)).toEqual({ year: 2026, month: 12, day: 3, hour: 14, minute: 45 });
    expect(dropTarget(item, "2026-12-05")).toEqual({ year: 2026, month: 12, day: 5, hour: 9, minute: 45 });
  });
});
