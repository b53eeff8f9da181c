import { describe, expect, it } from "vitest";
import {
  addDays,
  addMonths,
  displayClock,
  formatInZone,
  localString,
  localizeInstants,
  parseLocal,
  startOfDayUtc,
  startOfWeek,
  timeOfDay,
  todayIn,
  wallTime,
  wallToUtc,
  weekdayIndex,
  zoneOffsetMinutes,
} from "./zoned-time";

describe("zoned time", () => {
  it("reads the wall time of an instant in a zone, not the browser's", () => {
    const at = new Date("2026-03-08T04:30:00Z");
    expect(localString(wallTime(at, "America/New_York"))).toBe("2026-03-07T23:30");
    expect(localString(wallTime(at, "Europe/Berlin"))).toBe("2026-03-08T05:30");
    expect(localString(wallTime(at, "Asia/Kolkata"))).toBe("2026-03-08T10:00");
  });

  it("knows the offset on both sides of a DST change", () => {
    expect(zoneOffsetMinutes(new Date("2026-03-29T00:59:00Z"), "Europe/Berlin")).toBe(60);
    expect(zoneOffsetMinutes(new Date("2026-03-29T01:00:00Z"), "Europe/Berlin")).toBe(120);
    expect(zoneOffsetMinutes(new Date("2026-11-01T12:00:00Z"), "America/New_York")).toBe(-300);
  });

  it("turns a wall time into an instant across DST", () => {
    expect(wallToUtc({ year: 2026, month: 3, day: 28, hour: 9, minute: 0 }, "Europe/Berlin").toISOString()).toBe("2026-03-28T08:00:00.000Z");
    expect(wallToUtc({ year: 2026, month: 3, day: 30, hour: 9, minute: 0 }, "Europe/Berlin").toISOString()).toBe("2026-03-30T07:00:00.000Z");
    expect(startOfDayUtc("2026-11-01", "America/New_York").toISOString()).toBe("2026-11-01T04:00:00.000Z");
    expect(startOfDayUtc("2026-11-02", "America/New_York").toISOString()).toBe("2026-11-02T05:00:00.000Z");
  });

  it("does calendar arithmetic on wall dates", () => {
    expect(addDays("2026-02-27", 2)).toBe("2026-03-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2026-12-15", 1)).toBe("2027-01-15");
    expect(weekdayIndex("2026-11-30")).toBe(0);
    expect(startOfWeek("2026-12-06")).toBe("2026-11-30");
    expect(todayIn("Pacific/Auckland", new Date("2026-11-27T12:30:00Z"))).toBe("2026-11-28");
  });

  it("parses local times strictly", () => {
    expect(parseLocal("2026-03-29T02:30")).toEqual({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 });
    expect(parseLocal("2026-03-29 02:30")).not.toBeNull();
    expect(parseLocal("2026-13-01T00:00")).toBeNull();
    expect(parseLocal("tomorrow")).toBeNull();
  });

  it("formats in the given zone", () => {
    expect(formatInZone("2026-03-08T04:30:00Z", "America/New_York", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }, "en-GB")).toBe("23:30");
  });

  it("writes a time of day in the locale's own 12- or 24-hour convention, the same on every page", () => {
    // Intl puts a narrow no-break space before AM/PM; compare words.
    const plain = (t: string) => t.replace(/[\u202f\u00a0]/g, " ");
    expect(plain(displayClock({ hour: 2, minute: 20 }, "en-US"))).toBe("2:20 AM");
    expect(plain(displayClock({ hour: 14, minute: 5 }, "en-US"))).toBe("2:05 PM");
    expect(displayClock({ hour: 2, minute: 20 }, "en-GB")).toBe("02:20");
    expect(displayClock({ hour: 14, minute: 5 }, "de-DE")).toBe("14:05");
    // The queue's date-and-time formatting uses the same options, so the clocks agree.
    for (const locale of ["en-US", "en-GB", "de-DE"]) {
      const queue = formatInZone("2026-12-07T01:20:00Z", "UTC", { weekday: "short", day: "numeric", month: "short", ...timeOfDay(locale) }, locale);
      expect(queue).toContain(displayClock({ hour: 1, minute: 20 }, locale));
    }
  });

  it("rewrites raw UTC instants inside a message as times in the user's zone", () => {
    expect(localizeInstants("next try at 2026-12-07T01:26:40.034Z, after 2026-12-06T23:00:00+01:00.", "Europe/Berlin", "en-US")).toBe(
      "next try at Dec 7, 2026, 2:26 AM, after Dec 6, 2026, 11:00 PM.",
    );
    expect(localizeInstants("scheduled for 2026-12-01 10:00 Europe/Berlin", "UTC")).toBe("scheduled for 2026-12-01 10:00 Europe/Berlin");
  });
});
