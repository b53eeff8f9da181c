import type { AppNotification } from "@/api/notifications";
import { describe, expect, it } from "vitest";
import { makeNotification } from "../test-data";
import { badgeText, bellLabel, markRead, notificationHref, relativeTime, unreadCount } from "./notifications";

const NOW = Date.parse("2026-11-27T12:00:00Z");
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

describe("badge", () => {
  it("counts unread ones, hides at 0 and caps at 9+", () => {
    expect(unreadCount([makeNotification(), makeNotification({ read_at: "2026-11-27T10:00:00Z" })])).toBe(1);
    expect(unreadCount(undefined)).toBe(0);
    expect(badgeText(0)).toBeNull();
    expect(badgeText(1)).toBe("1");
    expect(badgeText(9)).toBe("9");
    expect(badgeText(10)).toBe("9+");
    expect(bellLabel(0)).toBe("Notifications");
    expect(bellLabel(12)).toBe("Notifications, 12 unread");
  });
});

describe("notificationHref", () => {
  it("sends failed publishes to the queue's failed filter, channel problems to Channels", () => {
    expect(notificationHref({ kind: "publish_failed", channel_id: null })).toBe("/queue/?state=failed");
    expect(notificationHref({ kind: "publish_failed", channel_id: "c1" })).toBe("/queue/?state=failed&channel_id=c1");
    expect(notificationHref({ kind: "channel_needs_reconnect", channel_id: "c1" })).toBe("/channels/");
    expect(notificationHref({ kind: "publish_failed", channel_id: "c1", post_id: "p 1" })).toBe("/posts/view/?id=p+1");
    expect(notificationHref({ kind: "something_new" as AppNotification["kind"], channel_id: "c1" })).toBe("/channels/");
    expect(notificationHref({ kind: "channel_disconnected", channel_id: null })).toBeNull();
  });
});

describe("markRead", () => {
  it("marks the named unread ones, or every unread one", () => {
    const list = [makeNotification({ id: "a" }), makeNotification({ id: "b" }), makeNotification({ id: "c", read_at: "x" })];
    const some = markRead(list, ["b", "c"], "now");
    expect(some.changed).toEqual(["b"]);
    expect(some.next.map((n) => n.read_at ?? null)).toEqual([null, "now", "x"]);
    const all = markRead(list, undefined, "now");
    expect(all.changed).toEqual(["a", "b"]);
    expect(all.next.map((n) => n.read_at)).toEqual(["now", "now", "x"]);
  });
});

describe("relativeTime", () => {
  it.each([
    [10, "just now"],
    [-30, "just now"],
    [90, "2 minutes ago"],
    [50 * 60, "1 hour ago"],
    [5 * 3600, "5 hours ago"],
    [30 * 3600, "yesterday"],
    [3 * 86_400, "3 days ago"],
    [10 * 86_400, "Nov 17, 2026"],
  ])("%i s ago → %s", (seconds, expected) => {
    expect(relativeTime(ago(seconds), NOW, "en-US")).toBe(expected);
  });
});
