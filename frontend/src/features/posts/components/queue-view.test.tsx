import { QueryClientProvider } from "@tanstack/react-query";
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

  it("filters by channel and date range on the server, in the user's zone, through the URL", async () => {
    navigation.search = `channel_id=${WEBHOOK.id}&tab=failed&from=2026-12-01&to=2026-12-07`;
    const { calls } = mockApi({ "GET /api/v1/posts": () => jsonResponse(200, []) });
    const user = userEvent.setup();
    renderWithClient(<QueueView channels={[BLUESKY, WEBHOOK]} timezone="Asia/Kolkata" />);
    await screen.findByText("No failed posts match these filters");
    const query = new URL(calls[0]!.url).searchParams;
    expect(query.get("channel_id")).toBe(WEBHOOK.id);
    expect(query.get("from")).toBe("2026-11-30T18:30:00.000Z");
    expect(query.get("to")).toBe("2026-12-07T18:30:00.000Z");
    expect(screen.getByRole("link", { name: /^Failed/ }).getAttribute("aria-current")).toBe("page");
    await user.selectOptions(screen.getByLabelText("Channel"), BLUESKY.id);
    expect(navigation.router.replace).toHaveBeenCalledWith(`/queue/?channel_id=${BLUESKY.id}&tab=failed&from=2026-12-01&to=2026-12-07`, { scroll: false });
  });

  it("keeps queued, sent, failed and drafts in separate tabs with counts, and searches the text", async () => {
    const queued = makePost({ id: "queued", content: { parts: [{ text: "Launch day", media: [] }], link: null }, targets: [makeTarget({ id: "q", state: "scheduled" })] });
    const sent = makePost({ id: "sent", content: { parts: [{ text: "Already out", media: [] }], link: null }, targets: [makeTarget({ id: "s", state: "published", published_at: "2026-11-30T09:00:00Z" })] });
    const draft = makePost({ id: "draft", content: { parts: [{ text: "Launch draft", media: [] }], link: null }, targets: [makeTarget({ id: "d", state: "draft", scheduled_at: null })] });
    navigation.search = "tab=sent";
    const { calls } = mockApi({ "GET /api/v1/posts": () => jsonResponse(200, [queued, sent, draft]) });
    const user = userEvent.setup();
    const view = renderWithClient(<QueueView channels={[BLUESKY]} timezone="UTC" />);
    const rows = await screen.findAllByTestId("queue-row");
    expect(rows.map((r) => r.dataset.postId)).toEqual(["sent"]);
    expect(new URL(calls[0]!.url).searchParams.get("state")).toBeNull();
    const tabs = screen.getAllByTestId("queue-tab");
    expect(tabs.map((t) => t.textContent)).toEqual(["Queued1", "Sent1", "Failed0", "Drafts1"]);
    expect(tabs[0]!.getAttribute("href")).toMatch(/^\/queue\/?$/);
    expect(tabs[3]!.getAttribute("href")).toMatch(/^\/queue\/?\?tab=drafts$/);

    navigation.search = "";
    view.rerender(
      <QueryClientProvider client={view.queryClient}>
        <QueueView channels={[BLUESKY]} timezone="UTC" />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(screen.getAllByTestId("queue-row").map((r) => r.dataset.postId)).toEqual(["queued"]));
    await user.type(screen.getByRole("searchbox", { name: "Search" }), "draft");
    await screen.findByText("No queued posts match these filters");
    await waitFor(() => expect(screen.getAllByTestId("queue-tab").map((t) => t.textContent)).toEqual(["Queued0", "Sent0", "Failed0", "Drafts1"]));
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
    expect(within(rows[0]!).getByRole("button", { name: /^Unschedule/ })).toBeTruthy();
    expect(within(rows[0]!).getByRole("link", { name: /^Edit/ }).getAttribute("href")).toMatch(/^\/compose\/?\?post=sooner$/);
  });

  it("exports what the view shows as a CSV download with the bearer token, and says what is included", async () => {
    navigation.search = "tab=sent";
    const sent = makePost({ id: "sent-1", targets: [makeTarget({ id: "s", state: "published" })] });
    const queued = makePost({ id: "queued-1", targets: [makeTarget({ id: "q", state: "scheduled" })] });
    const { calls } = mockApi({
      "GET /api/v1/posts": () => jsonResponse(200, [sent, queued]),
      "POST /api/v1/posts/export": () => new Response("channel,text,scheduled_at\r\n", { status: 200, headers: { "content-type": "text/csv" } }),
    });
    const createObjectURL = vi.fn((_blob: Blob) => "blob:x");
    vi.stubGlobal("URL", Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
    const user = userEvent.setup();
    renderWithClient(<QueueView channels={[]} timezone="UTC" />);
    expect((await screen.findByTestId("export-summary")).textContent).toBe("Export holds the 1 post shown here: Sent.");
    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    const request = calls.find((c) => new URL(c.url).pathname === "/api/v1/posts/export")!;
    expect(request.headers.get("authorization")).toBe("Bearer t");
    expect(await request.clone().json()).toEqual({ post_ids: ["sent-1"], states: ["published"] });
    expect(createObjectURL).toHaveBeenCalledTimes(1);
    expect(await createObjectURL.mock.calls[0]![0].text()).toBe("channel,text,scheduled_at\r\n");
  });
});
