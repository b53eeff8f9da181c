import { describe, expect, it } from "vitest";
import { makePost, makeTarget } from "../test-data";
import { exportSelection, exportSummary, matchesSearch, queueList, rangeFilters, tabCounts, tabFromParams, validDay } from "./queue";

const params = (q: string) => new URLSearchParams(q);

const soon = makePost({ id: "soon", content: { parts: [{ text: "Launch day at the café", media: [] }], link: null }, targets: [makeTarget({ id: "a", state: "scheduled", scheduled_at: "2026-12-02T09:00:00Z" })] });
const later = makePost({ id: "later", targets: [makeTarget({ id: "b", state: "scheduled", scheduled_at: "2026-12-03T09:00:00Z" })] });
const sentOld = makePost({ id: "sent-old", targets: [makeTarget({ id: "c", state: "published", scheduled_at: "2026-11-01T09:00:00Z", published_at: "2026-11-01T09:00:02Z" })] });
const sentNew = makePost({ id: "sent-new", targets: [makeTarget({ id: "d", state: "published", scheduled_at: "2026-11-20T09:00:00Z", published_at: "2026-11-20T09:00:02Z" })] });
const mixed = makePost({
  id: "mixed",
  targets: [makeTarget({ id: "e", state: "failed", scheduled_at: "2026-11-25T09:00:00Z" }), makeTarget({ id: "f", state: "published", scheduled_at: "2026-11-25T09:00:00Z", published_at: "2026-11-25T09:00:01Z" })],
});
const draft = makePost({ id: "draft", created_at: "2026-11-28T10:00:00Z", targets: [makeTarget({ id: "g", state: "draft", scheduled_at: null })] });
const all = [sentOld, later, draft, mixed, soon, sentNew];

describe("queue tabs", () => {
  it("reads the tab from ?tab=, from older ?state= links, else Queued", () => {
    expect(tabFromParams(params("tab=sent"))).toBe("sent");
    expect(tabFromParams(params("state=failed&channel_id=x"))).toBe("failed");
    expect(tabFromParams(params("state=unconfirmed"))).toBe("queued");
    expect(tabFromParams(params("state=draft"))).toBe("drafts");
    expect(tabFromParams(params("tab=nonsense"))).toBe("queued");
    expect(tabFromParams(params(""))).toBe("queued");
  });

  it("keeps sent and upcoming apart, upcoming soonest first and the rest newest first", () => {
    expect(queueList(all, "queued", "").map((p) => p.id)).toEqual(["soon", "later"]);
    expect(queueList(all, "sent", "").map((p) => p.id)).toEqual(["mixed", "sent-new", "sent-old"]);
    expect(queueList(all, "failed", "").map((p) => p.id)).toEqual(["mixed"]);
    expect(queueList(all, "drafts", "").map((p) => p.id)).toEqual(["draft"]);
    expect(tabCounts(all, "")).toEqual({ queued: 2, sent: 3, failed: 1, drafts: 1 });
  });

  it("searches every word in the text, link and channel names, ignoring case and accents", () => {
    expect(matchesSearch(soon, "LAUNCH cafe")).toBe(true);
    expect(matchesSearch(soon, "launch tomorrow")).toBe(false);
    expect(matchesSearch(soon, "alice")).toBe(true);
    expect(matchesSearch(soon, "   ")).toBe(true);
    expect(queueList(all, "queued", "café").map((p) => p.id)).toEqual(["soon"]);
    expect(tabCounts(all, "café")).toEqual({ queued: 1, sent: 0, failed: 0, drafts: 0 });
  });

  it("turns a day range in the user's zone into the list API's from/to, whole days, either order", () => {
    expect(rangeFilters("2026-12-01", "2026-12-07", "Asia/Kolkata")).toEqual({ from: "2026-11-30T18:30:00.000Z", to: "2026-12-07T18:30:00.000Z" });
    expect(rangeFilters("2026-12-07", "2026-12-01", "UTC")).toEqual({ from: "2026-12-01T00:00:00.000Z", to: "2026-12-08T00:00:00.000Z" });
    expect(rangeFilters(null, "2026-12-01", "UTC")).toEqual({ to: "2026-12-02T00:00:00.000Z" });
    expect(rangeFilters(null, null, "UTC")).toEqual({});
    expect(validDay("2026-02-30")).toBeNull();
    expect(validDay("2026-02-28")).toBe("2026-02-28");
    expect(validDay("yesterday")).toBeNull();
  });
});

describe("export of the view", () => {
  it("names the listed posts, the tab's states and the channel filter", () => {
    const a = makePost({ id: "a" });
    const b = makePost({ id: "b" });
    expect(exportSelection([b, a], "sent", "")).toEqual({ post_ids: ["b", "a"], states: ["published"] });
    expect(exportSelection([a], "queued", "c1")).toEqual({ post_ids: ["a"], states: ["scheduled", "publishing", "unconfirmed"], channel_id: "c1" });
  });

  it("says what the file holds", () => {
    expect(exportSummary(3, "Sent", false)).toBe("Export holds the 3 posts shown here: Sent.");
    expect(exportSummary(1, "Drafts", true)).toBe("Export holds the 1 post shown here: Drafts, with your filters.");
    expect(exportSummary(0, "Failed", true)).toBe("Nothing to export: no failed posts match the filters.");
  });
});
