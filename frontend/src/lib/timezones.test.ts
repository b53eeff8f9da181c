import { describe, expect, it } from "vitest";
import { groupTimeZones, isKnownTimeZone, listTimeZones, timeZoneLabel, utcOffset } from "./timezones";

describe("time zones", () => {
  it("lists IANA zones including UTC", () => {
    const zones = listTimeZones();
    expect(zones).toContain("UTC");
    expect(zones).toContain("Europe/Berlin");
    expect(zones).toContain("America/New_York");
  });
  it("groups by region with standalone zones first", () => {
    const groups = groupTimeZones(["Europe/Berlin", "UTC", "America/New_York", "America/Chicago"]);
    expect(groups.map((g) => g.region)).toEqual(["Other", "America", "Europe"]);
    expect(groups[1]?.zones).toEqual(["America/New_York", "America/Chicago"]);
  });
  it("formats offsets", () => {
    const winter = new Date("2026-01-15T12:00:00Z");
    expect(utcOffset("UTC", winter)).toBe("UTC+00:00");
    expect(utcOffset("Asia/Kolkata", winter)).toBe("UTC+05:30");
    expect(utcOffset("America/New_York", winter)).toBe("UTC-05:00");
    expect(timeZoneLabel("America/New_York", winter)).toBe("New York · UTC-05:00");
  });
  it("knows which zones exist", () => {
    expect(isKnownTimeZone("Europe/Paris")).toBe(true);
    expect(isKnownTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});
