import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { navigation } from "@/test/next-navigation";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { BLUESKY, makePost, makeTarget, WEBHOOK } from "../test-data";
import { QueueView } from "./queue-view";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());
vi.mock("react-hot-toast", () => ({ default: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }) }));

// Typing and dialogs are slow in jsdom on a busy 2-core machine.
describe("QueueView", { timeout: 30_000 }, () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
    navigation.pathname = "/queue/";
    navigation.search = "";
    navigation.router.replace.mockReset();
  });

  it("filters by channel and state through the URL", async () => {
    navigation.search = `channel_id=${WEBHOOK.id}&state=failed`;
    const { calls } = mockApi({ "GET /api/v1/posts": () => jsonResponse(200, []) });
    const user = userEvent.setup();
    renderWithClient(<QueueView channels={[BLUESKY, WEBHOOK]} timezone="UTC" />);
    await screen.findByText("No posts match these filters");
    const query = new URL(calls[0]!.url).searchParams;
    expect(query.get("channel_id")).toBe(WEBHOOK.id);
    expect(query.get("state")).toBe("failed");
    expect((screen.getByLabelText("State") as HTMLSelectElement).value).toBe("failed");
    await user.selectOptions(screen.getByLabelText("State"), "scheduled");
    expect(navigation.router.replace).toHaveBeenCalledWith(`/queue/?channel_id=${WEBHOOK.id}&state=scheduled`, { scroll: false });
  });

  it("lists posts soonest first with time in the user's zone, channels, states and actions", async () => {
    const later = makePost({ id: "later", content: { parts: [{ text: "Later post", media: [] }], link: null }, targets: [makeTarget({ scheduled_at: "2026-12-02T09:00:00Z" })] });
    const sooner = makePost({
      id: "sooner",
      content: { parts: [{ text: "Sooner post", media: [] }], link: null },
      targets: [makeTarget({ scheduled_at: "2026-12-01T09:00:00Z" }), makeTarget({ id: "f", channel_id: WEBHOOK.id, handle: WEBHOOK.handle, platform: "webhook", state: "failed" })],
    });
    mockApi({ "GET /api/v1/posts": () => jsonResponse(200, [later, sooner]) });
    renderWithClient(<QueueView channels={[BLUESKY, WEBHOOK]} timezone="Asia/Tokyo" />);
    const rows = await screen.findAllByTestId("queue-row");
    expect(rows.map((r) => r.dataset.postId)).toEqual(["sooner", "later"]);
    expect(within(rows[0]!).getByRole("time").textContent).toMatch(/Tue, Dec 1, 6:00\sPM/);
    expect(within(rows[0]!).getAllByTestId("state-badge").map((b) => b.dataset.state)).toEqual(["scheduled", "failed"]);
    expect(within(rows[0]!).getByRole("button", { name: /^Retry the failed channel/ })).toBeTruthy();
    expect(within(rows[0]!).getByRole("button", { name: /^Cancel/ })).toBeTruthy();
    expect(within(rows[0]!).getByRole("link", { name: /^Edit/ }).getAttribute("href")).toMatch(/^\/compose\/?\?post=sooner$/);
  });

  it("exports the queue as a CSV download with the bearer token", async () => {
    const { calls } = mockApi({
      "GET /api/v1/posts": () => jsonResponse(200, []),
      "GET /api/v1/posts/export": () => new Response("channel,text,scheduled_at\r\n", { status: 200, headers: { "content-type": "text/csv" } }),
    });
    const createObjectURL = vi.fn((_blob: Blob) => "blob:x");
    vi.stubGlobal("URL", Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
    const user = userEvent.setup();
    renderWithClient(<QueueView channels={[]} timezone="UTC" />);
    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    const request = calls.find((c) => new URL(c.url).pathname === "/api/v1/posts/export")!;
    expect(request.headers.get("authorization")).toBe("Bearer t");
    expect(createObjectURL).toHaveBeenCalledTimes(1);
    expect(await createObjectURL.mock.calls[0]![0].text()).toBe("channel,text,scheduled_at\r\n");
  });
});
