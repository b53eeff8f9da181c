import { describe, expect, it } from "vitest";
import { placeTargets } from "../../lib/calendar";
import { makePost, makeTarget } from "../../test-data";
import { firstHour } from "./week-grid";

describe("the week's opening hour", () => {
  const days = ["2026-12-07", "2026-12-08"];
  it("is 08:00 unless a post of the week goes out earlier", () => {
    const late = placeTargets([makePost({ targets: [makeTarget({ scheduled_at: "2026-12-07T15:00:00Z" })] })], "UTC").byDay;
    expect(firstHour(days, late)).toBe(8);
    const early = placeTargets([makePost({ targets: [makeTarget({ scheduled_at: "2026-12-08T05:30:00Z" }), makeTarget({ id: "x", scheduled_at: "2026-12-09T02:00:00Z" })] })], "UTC").byDay;
    // The 02:00 post is on a day not shown.
    expect(firstHour(days, early)).toBe(5);
    expect(firstHour(days, new Map())).toBe(8);
  });
});
