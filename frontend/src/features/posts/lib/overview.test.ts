import { describe, expect, it } from "vitest";
import { makePost, makeTarget } from "../test-data";
import { glanceRange, recentFailures, upcoming, weekAtAGlance } from "./overview";

const now = new Date("2026-12-07T10:00:00Z");
const posts = [
  makePost({ id: "a", targets: [makeTarget({ id: "a1", state: "scheduled", scheduled_at: "2026-12-08T09:00:00Z" })] }),
  makePost({ id: "b", targets: [makeTarget({ id: "b1", state: "scheduled", scheduled_at: "2026-12-07T12:00:00Z" }), makeTarget({ id: "b2", state: "failed", scheduled_at: "2026-12-07T08:00:00Z" })] }),
  makePost({ id: "c", targets: [makeTarget({ id: "c1", state: "published", scheduled_at: "2026-12-07T07:00:00Z", published_at: "2026-12-07T07:00:01Z" })] }),
  makePost({ id: "d", targets: [makeTarget({ id: "d1", state: "failed", scheduled_at: "2026-12-01T08:00:00Z" })] }),
  makePost({ id: "e", targets: [makeTarget({ id: "e1", state: "scheduled", scheduled_at: "2026-12-01T08:00:00Z" })] }),
];

describe("dashboard overview", () => {
  it("lists what goes out next, soonest first, and leaves long-past schedules out", () => {
    expect(upcoming(posts, now).map((i) => i.target.id)).toEqual(["b1", "a1"]);
    expect(upcoming(posts, now, 1).map((i) => i.target.id)).toEqual(["b1"]);
  });

  it("lists failures newest first", () => {
    expect(recentFailures(posts).map((i) => i.target.id)).toEqual(["b2", "d1"]);
  });

  it("counts each day of the coming week in the user's zone", () => {
    const week = weekAtAGlance(posts, "2026-12-07", "UTC");
    expect(week).toHaveLength(7);
    expect(week[0]).toEqual({ day: "2026-12-07", planned: 1, published: 1, failed: 1 });
    expect(week[1]).toEqual({ day: "2026-12-08", planned: 1, published: 0, failed: 0 });
    expect(week.slice(2).every((d) => d.planned + d.published + d.failed === 0)).toBe(true);
    // 09:00 UTC on the 8th is still the 8th in Kolkata (14:30); 07:00 UTC on the 7th is 12:30 there.
    expect(weekAtAGlance(posts, "2026-12-07", "Asia/Kolkata")[1]?.planned).toBe(1);
    expect(glanceRange("2026-12-07", "Asia/Kolkata")).toEqual({ from: "2026-12-06T18:30:00.000Z", to: "2026-12-13T18:30:00.000Z" });
  });
});
