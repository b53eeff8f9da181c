import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import toast from "react-hot-toast";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { notificationKeys, type AppNotification } from "@/api/notifications";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { makeNotification } from "../test-data";
import { NotificationsBell } from "./notifications-bell";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());
vi.mock("react-hot-toast", () => ({ default: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }) }));

const CHANNEL = "0190a1b2-0000-7000-8000-00000000c001";

function sample(): AppNotification[] {
  return [
    makeNotification({
      id: "n-failed",
      kind: "publish_failed",
      title: "A post to alice.bsky.social (bluesky) failed",
      body: "The platform rejected the post. Open the post to retry.",
      created_at: new Date(Date.now() - 5 * 60_000).toISOString(),
    }),
    makeNotification({
      id: "n-reconnect",
      kind: "channel_needs_reconnect",
      title: "alice.bsky.social needs reconnecting",
      created_at: new Date(Date.now() - 3 * 3600_000).toISOString(),
    }),
    makeNotification({
      id: "n-gone",
      kind: "channel_disconnected",
      channel_id: null,
      title: "bob (mastodon) was disconnected",
      created_at: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    }),
    makeNotification({
      id: "n-old",
      kind: "channel_disconnected",
      channel_id: null,
      title: "An old one",
      created_at: "2026-01-05T08:00:00Z",
      read_at: "2026-01-05T09:00:00Z",
    }),
  ];
}

/** A response the test settles when it has looked at the optimistic state. */
function deferred() {
  let resolve!: (response: Response) => void;
  const promise = new Promise<Response>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function openPanel(user: ReturnType<typeof userEvent.setup>, name: string | RegExp = /^Notifications/) {
  await user.click(screen.getByRole("button", { name }));
  return screen.getByRole("dialog", { name: "Notifications" });
}

describe("NotificationsBell", { timeout: 30_000 }, () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });

  it("shows the unread count on the bell", async () => {
    mockApi({ "GET /api/v1/notifications": () => jsonResponse(200, sample()) });
    renderWithClient(<NotificationsBell />);
    const bell = await screen.findByRole("button", { name: "Notifications, 3 unread" });
    expect(within(bell).getByTestId("notifications-badge").textContent).toBe("3");
  });

  it("shows 9+ above nine unread", async () => {
    const many = Array.from({ length: 12 }, () => makeNotification());
    mockApi({ "GET /api/v1/notifications": () => jsonResponse(200, many) });
    renderWithClient(<NotificationsBell />);
    const bell = await screen.findByRole("button", { name: "Notifications, 12 unread" });
    expect(within(bell).getByTestId("notifications-badge").textContent).toBe("9+");
  });

  it("hides the badge when everything is read", async () => {
    const read = sample().map((n) => ({ ...n, read_at: "2026-11-27T11:00:00Z" }));
    mockApi({ "GET /api/v1/notifications": () => jsonResponse(200, read) });
    const user = userEvent.setup();
    renderWithClient(<NotificationsBell />);
    const panel = await openPanel(user, "Notifications");
    expect(await within(panel).findAllByTestId("notification")).toHaveLength(4);
    expect(screen.queryByTestId("notifications-badge")).toBeNull();
    expect(screen.getByRole("button", { name: "Notifications" }).getAttribute("aria-expanded")).toBe("true");
    expect((within(panel).getByRole("button", { name: "Mark all read" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("lists notifications newest first with their links, and Escape returns focus to the bell", async () => {
    mockApi({ "GET /api/v1/notifications": () => jsonResponse(200, sample()) });
    const user = userEvent.setup();
    renderWithClient(<NotificationsBell />);
    const bell = await screen.findByRole("button", { name: "Notifications, 3 unread" });
    const panel = await openPanel(user, "Notifications, 3 unread");
    expect(bell.getAttribute("aria-expanded")).toBe("true");
    expect(panel.contains(document.activeElement)).toBe(true);

    const items = within(panel).getAllByTestId("notification");
    expect(items.map((li) => li.textContent)).toEqual([
      expect.stringMatching(/^Unread: A post to alice\.bsky\.social \(bluesky\) failed.*5 minutes ago$/),
      expect.stringMatching(/^Unread: alice\.bsky\.social needs reconnecting.*3 hours ago$/),
      expect.stringMatching(/^Unread: bob \(mastodon\) was disconnected.*2 days ago$/),
      expect.stringMatching(/^An old one.*Jan 5, 2026$/),
    ]);
    // (Link drops the trailing slash here; the build's trailingSlash puts it back.)
    expect(within(items[0]!).getByRole("link").getAttribute("href")).toBe(`/queue?state=failed&channel_id=${CHANNEL}`);
    expect(within(items[1]!).getByRole("link").getAttribute("href")).toMatch(/^\/channels\/?$/);
    expect(within(items[2]!).queryByRole("link")).toBeNull(); // the channel is gone
    expect(within(items[2]!).getByRole("button")).toBeTruthy();
    expect(within(items[3]!).queryByRole("link")).toBeNull(); // read, and nowhere to go: plain text
    expect(within(items[3]!).queryByRole("button")).toBeNull();
    expect(within(items[3]!).queryByText("Unread:")).toBeNull();
    const time = items[3]!.querySelector("time")!;
    expect(time.getAttribute("dateTime")).toBe("2026-01-05T08:00:00Z");
    expect(time.getAttribute("title")).toMatch(/2026/);

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(bell);
    expect(bell.getAttribute("aria-expanded")).toBe("false");
  });

  it("says so when there is nothing", async () => {
    mockApi({ "GET /api/v1/notifications": () => jsonResponse(200, []) });
    const user = userEvent.setup();
    renderWithClient(<NotificationsBell />);
    const panel = await openPanel(user, "Notifications");
    expect((await within(panel).findByTestId("notifications-empty")).textContent).toBe(
      "Nothing new. Problems with channels or posts show up here.",
    );
    expect(within(panel).queryByRole("button", { name: "Mark all read" })).toBeNull();
  });

  it("marks an item read when it is opened, at once in the shared cache", async () => {
    const post = deferred();
    const { calls } = mockApi({
      "GET /api/v1/notifications": () => jsonResponse(200, sample()),
      "POST /api/v1/notifications/read": () => post.promise,
    });
    const user = userEvent.setup();
    const { queryClient } = renderWithClient(<NotificationsBell />);
    await screen.findByRole("button", { name: "Notifications, 3 unread" });
    const panel = await openPanel(user, "Notifications, 3 unread");
    const reconnect = within(panel).getAllByTestId("notification")[1]!;
    // The link is a plain anchor here (no app router): keep jsdom from trying to navigate.
    reconnect.addEventListener("click", (e) => e.preventDefault());
    await user.click(within(reconnect).getByRole("link"));

    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    expect(await calls.find((c) => c.method === "POST")!.clone().json()).toEqual({ ids: ["n-reconnect"] });
    // Before the server answers: the bell, and the cache the reconnect banner reads, already agree.
    expect(screen.getByRole("button", { name: "Notifications, 2 unread" })).toBeTruthy();
    const cached = queryClient.getQueryData<AppNotification[]>(notificationKeys.all)!;
    expect(cached.find((n) => n.id === "n-reconnect")!.read_at).toBeTruthy();
    expect(cached.find((n) => n.id === "n-failed")!.read_at ?? null).toBeNull();
    // Following the link closes the panel and gives focus back to the bell.
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Notifications, 2 unread" }));

    post.resolve(jsonResponse(200, { unread: 2 }));
    await waitFor(() => expect(calls.filter((c) => c.method === "GET")).toHaveLength(2)); // refetched once settled
    expect(toast.error).not.toHaveBeenCalled();
  });

  it("marks an unread item without a page read and keeps the panel open", async () => {
    const { calls } = mockApi({
      "GET /api/v1/notifications": () => jsonResponse(200, sample()),
      "POST /api/v1/notifications/read": () => jsonResponse(200, { unread: 2 }),
    });
    const user = userEvent.setup();
    renderWithClient(<NotificationsBell />);
    await screen.findByRole("button", { name: "Notifications, 3 unread" });
    const panel = await openPanel(user, "Notifications, 3 unread");
    await user.click(within(within(panel).getAllByTestId("notification")[2]!).getByRole("button"));
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    expect(await calls.find((c) => c.method === "POST")!.clone().json()).toEqual({ ids: ["n-gone"] });
    expect(screen.getByRole("dialog", { name: "Notifications" })).toBeTruthy();
  });

  it("marks all read with an empty body", async () => {
    const post = deferred();
    const { calls } = mockApi({
      "GET /api/v1/notifications": () => jsonResponse(200, sample()),
      "POST /api/v1/notifications/read": () => post.promise,
    });
    const user = userEvent.setup();
    renderWithClient(<NotificationsBell />);
    await screen.findByRole("button", { name: "Notifications, 3 unread" });
    const panel = await openPanel(user, "Notifications, 3 unread");
    await user.click(within(panel).getByRole("button", { name: "Mark all read" }));

    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    expect(await calls.find((c) => c.method === "POST")!.clone().json()).toEqual({});
    expect(screen.getByRole("button", { name: "Notifications" })).toBeTruthy();
    expect(screen.queryByTestId("notifications-badge")).toBeNull();
    expect(within(panel).queryByText("Unread:")).toBeNull();
    post.resolve(jsonResponse(200, { unread: 0 }));
  });

  it("puts the unread ones back and says so when marking fails", async () => {
    const post = deferred();
    let gets = 0;
    const { calls } = mockApi({
      // Only the first load answers: the list shown after the failure must come from the rollback.
      "GET /api/v1/notifications": () => (++gets === 1 ? jsonResponse(200, sample()) : new Promise<Response>(() => {})),
      "POST /api/v1/notifications/read": () => post.promise,
    });
    const user = userEvent.setup();
    renderWithClient(<NotificationsBell />);
    await screen.findByRole("button", { name: "Notifications, 3 unread" });
    const panel = await openPanel(user, "Notifications, 3 unread");
    await user.click(within(panel).getByRole("button", { name: "Mark all read" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    expect(screen.getByRole("button", { name: "Notifications" })).toBeTruthy();

    post.resolve(jsonResponse(500, { error: { code: "internal", message: "The server ran into a problem." } }));
    expect(await screen.findByRole("button", { name: "Notifications, 3 unread" })).toBeTruthy();
    expect(within(panel).getAllByText("Unread:")).toHaveLength(3);
    expect(toast.error).toHaveBeenCalledWith("Couldn't mark your notifications read. The server ran into a problem.");
  });
});
