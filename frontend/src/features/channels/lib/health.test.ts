import { describe, expect, it } from "vitest";
import { makeChannel } from "../test-data";
import type { AppNotification } from "../api/types";
import { channelHealth, formatLocalTime, needsReconnect, reconnectNotices, sentence } from "./health";

describe("health helpers", () => {
  it("follows real sends: failing after three in a row, with the last error and when", () => {
    const now = new Date("2026-11-27T12:00:00Z");
    const failing = channelHealth(
      makeChannel({
        status: "failing",
        status_message: "Webhook refused the request: it answered HTTP 500",
        consecutive_failures: 8,
        last_error: "Webhook could not be reached (it answered HTTP 500)",
        last_outcome_at: "2026-11-27T11:05:00Z",
      }),
      { now, timeZone: "UTC" },
    );
    expect(failing.label).toBe("Failing");
    expect(failing.tone).toBe("danger");
    expect(failing.detail).toMatch(/^The last 8 tries to post did not go through \(the last at 11:05\sAM\): Webhook could not be reached \(it answered HTTP 500\)\. LetsGrow keeps trying/);
    // Still OK after one failure, but it says so.
    const once = channelHealth(makeChannel({ consecutive_failures: 1, last_error: "refused" }), { now, timeZone: "UTC" });
    expect(once.label).toBe("OK");
    expect(once.detail).toBe("The last try to post did not go through: Refused.");
    // Healthy: nothing under the badge, even with an old error kept for the record.
    expect(channelHealth(makeChannel({ last_error: "old" })).detail).toBeNull();
  });

  it("formats a time today without the date", () => {
    const now = new Date("2026-11-27T12:00:00Z");
    expect(formatLocalTime("2026-11-27T09:30:00Z", { now, timeZone: "UTC" })).toMatch(/^9:30\sAM$/);
    expect(formatLocalTime("not a date", { now })).toBe("not a date");
  });

  it("makes server fragments into sentences", () => {
    expect(sentence("could not reach the PDS; check the PDS URL")).toBe("Could not reach the PDS; check the PDS URL.");
    expect(sentence("Already one.")).toBe("Already one.");
  });

  it("finds the channels that need reconnecting", () => {
    const list = [makeChannel(), makeChannel({ id: "b", status: "needs_reconnect" })];
    expect(needsReconnect(list).map((c) => c.id)).toEqual(["b"]);
    expect(needsReconnect(undefined)).toEqual([]);
  });

  it("keeps the newest unread reconnect notification per channel", () => {
    const base = { title: "Reconnect", created_at: "2026-11-27T09:00:00Z", read_at: null };
    const notices = reconnectNotices([
      { ...base, id: "3", kind: "channel_needs_reconnect", body: "newest", channel_id: "b" },
      { ...base, id: "2", kind: "channel_needs_reconnect", body: "older", channel_id: "b" },
      { ...base, id: "1", kind: "something_else" as AppNotification["kind"], body: "x", channel_id: "c" },
      { ...base, id: "0", kind: "channel_needs_reconnect", body: "read", channel_id: "d", read_at: "2026-11-27T10:00:00Z" },
    ]);
    expect([...notices.keys()]).toEqual(["b"]);
    expect(notices.get("b")?.body).toBe("newest");
  });
});
