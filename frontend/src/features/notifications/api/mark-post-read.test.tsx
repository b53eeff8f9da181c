import { screen, waitFor } from "@testing-library/react";
import toast from "react-hot-toast";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppNotification } from "@/api/notifications";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { NotificationsBell } from "../components/notifications-bell";
import { makeNotification } from "../test-data";
import { unreadAboutPost, useMarkPostNotificationsRead } from "./mark-post-read";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());
vi.mock("react-hot-toast", () => ({ default: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }) }));

const POST = "0190a1b2-0000-7000-8000-0000000000p1";
const OTHER = "0190a1b2-0000-7000-8000-0000000000p2";

function sample(): AppNotification[] {
  return [
    makeNotification({ id: "about-it", kind: "publish_failed", post_id: POST, title: "A post to alice failed" }),
    makeNotification({ id: "about-it-too", kind: "publish_failed", post_id: POST, title: "A post to bob failed" }),
    makeNotification({ id: "already-read", kind: "publish_failed", post_id: POST, read_at: "2026-11-27T11:00:00Z" }),
    makeNotification({ id: "other-post", kind: "publish_failed", post_id: OTHER }),
    makeNotification({ id: "channel", kind: "channel_needs_reconnect", post_id: null }),
  ];
}

/** The post page as far as this hook is concerned: the page marks, the top bar shows the bell. */
function PostPage({ id }: { id: string | null }) {
  useMarkPostNotificationsRead(id);
  return <NotificationsBell />;
}

describe("useMarkPostNotificationsRead", { timeout: 30_000 }, () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });

  it("picks the unread notifications about that post only", () => {
    expect(unreadAboutPost(sample(), POST)).toEqual(["about-it", "about-it-too"]);
    expect(unreadAboutPost(sample(), POST, new Set(["about-it"]))).toEqual(["about-it-too"]);
    expect(unreadAboutPost(sample(), "nope")).toEqual([]);
  });

  it("marks the post's unread notifications read once, and the bell's count drops", async () => {
    let read = false;
    const { calls } = mockApi({
      "GET /api/v1/notifications": () =>
        jsonResponse(200, sample().map((n) => (read && n.post_id === POST ? { ...n, read_at: "2026-11-27T12:00:00Z" } : n))),
      "POST /api/v1/notifications/read": () => {
        read = true;
        return jsonResponse(200, { unread: 2 });
      },
    });
    renderWithClient(<PostPage id={POST} />);

    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    const posts = calls.filter((c) => c.method === "POST");
    expect(new URL(posts[0]!.url).pathname).toBe("/api/v1/notifications/read");
    expect(await posts[0]!.clone().json()).toEqual({ ids: ["about-it", "about-it-too"] });
    // 4 unread before; the two about this post are read now.
    expect(await screen.findByRole("button", { name: "Notifications, 2 unread" })).toBeTruthy();
    // Settled: the list is fetched again (for the server's word), and nothing more is marked.
    await waitFor(() => expect(calls.filter((c) => c.method === "GET")).toHaveLength(2));
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
  });

  it("sends nothing when nothing about the post is unread, or there is no post", async () => {
    const { calls } = mockApi({
      "GET /api/v1/notifications": () => jsonResponse(200, sample()),
      "POST /api/v1/notifications/read": () => jsonResponse(200, { unread: 4 }),
    });
    renderWithClient(
      <>
        <PostPage id={null} />
        <PostPage id="0190a1b2-0000-7000-8000-0000000000p9" />
      </>,
    );
    expect(await screen.findAllByRole("button", { name: "Notifications, 4 unread" })).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);
  });

  it("does not retry or complain when marking fails; the bell shows them unread again", async () => {
    const { calls } = mockApi({
      "GET /api/v1/notifications": () => jsonResponse(200, sample()),
      "POST /api/v1/notifications/read": () =>
        jsonResponse(500, { error: { code: "internal", message: "The server ran into a problem." } }),
    });
    renderWithClient(<PostPage id={POST} />);
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    await waitFor(() => expect(calls.filter((c) => c.method === "GET")).toHaveLength(2));
    expect(await screen.findByRole("button", { name: "Notifications, 4 unread" })).toBeTruthy();
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
    expect(toast.error).not.toHaveBeenCalled();
  });
});
