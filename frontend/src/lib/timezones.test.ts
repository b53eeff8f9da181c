import { describe, expect, it } from "vitest";
import { currentZoneName, groupTimeZones, isKnownTimeZone, listTimeZones, searchTimeZones, timeZoneLabel, utcOffset } from "./timezones";

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
  it("lists current names instead of the old ones browsers still report", () => {
    const zones = listTimeZones();
    expect(zones).toContain("Asia/Kolkata");
    expect(zones).toContain("Europe/Kyiv");
    expect(zones).not.toContain("Asia/Calcutta");
    expect(zones).not.toContain("Europe/Kiev");
    expect(new Set(zones).size).toBe(zones.length);
    expect(currentZoneName("Asia/Saigon")).toBe("Asia/Ho_Chi_Minh");
    expect(currentZoneName("Europe/Berlin")).toBe("Europe/Berlin");
    // The browser can work with the new names.
    expect(isKnownTimeZone("Europe/Kyiv")).toBe(true);
  });
  it("searches by city, former name and offset", () => {
    const zones = listTimeZones();
    const winter = new Date("2026-01-15T12:00:00Z");
    expect(searchTimeZones(zones, "kolkata", winter)).toEqual(["Asia/Kolkata"]);
    expect(searchTimeZones(zones, "Calcutta", winter)).toEqual(["Asia/Kolkata"]);
    expect(searchTimeZones(zones, "kiev", winter)).toEqual(["Europe/Kyiv"]);
    expect(searchTimeZones(zones, "new york", winter)).toEqual(["America/New_York"]);
    expect(searchTimeZones(zones, "+05:30", winter)).toContain("Asia/Kolkata");
    expect(searchTimeZones(zones, "atlantis", winter)).toEqual([]);
    expect(searchTimeZones(zones, "  ", winter)).toHaveLength(zones.length);
  });
});
