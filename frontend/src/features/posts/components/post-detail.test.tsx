import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { makePost, makeTarget, WEBHOOK } from "../test-data";
import { PostDetail } from "./post-detail";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());
vi.mock("react-hot-toast", () => ({ default: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }) }));

const post = makePost({
  id: "p1",
  content: { parts: [{ text: "One", media: [] }, { text: "Two", media: [] }], link: null },
  targets: [
    makeTarget({
      id: "ok",
      state: "published",
      url: "https://bsky.app/profile/alice/post/1",
      published_at: "2026-12-01T09:00:05Z",
      history: [
        { at: "2026-11-27T09:00:00Z", from: null, to: "scheduled", message: "scheduled for 2026-12-01 10:00 Europe/Berlin" },
        { at: "2026-12-01T09:00:00Z", from: "scheduled", to: "publishing", message: "publishing" },
        { at: "2026-12-01T09:00:05Z", from: "publishing", to: "published", message: "published" },
      ],
    }),
    makeTarget({
      id: "bad",
      channel_id: WEBHOOK.id,
      platform: "webhook",
      handle: WEBHOOK.handle,
      state: "failed",
      attempts: 3,
      error: { code: "platform_rejected", message: "the webhook refused the request (HTTP 400)", part: 1 },
    }),
  ],
});

// Typing and dialogs are slow in jsdom on a busy 2-core machine.
describe("PostDetail", { timeout: 30_000 }, () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });

  it("shows each channel's state, time in the user's zone, link, error and history", async () => {
    mockApi({ "GET /api/v1/posts/p1": () => jsonResponse(200, post) });
    renderWithClient(<PostDetail id="p1" timezone="America/New_York" />);
    const cards = await screen.findAllByTestId("target-card");
    expect(cards.map((c) => c.dataset.tone)).toEqual(["green", "red"]);
    expect(within(cards[0]!).getByTestId("target-scheduled").textContent).toMatch(/Tuesday, December 1, 2026 at 4:00\sAM/);
    expect(within(cards[0]!).getByTestId("view-on-platform").getAttribute("href")).toBe("https://bsky.app/profile/alice/post/1");
    expect(within(cards[0]!).getByTestId("view-on-platform").textContent).toBe("View on Bluesky");
    const history = within(cards[0]!).getByTestId("target-history");
    expect(within(history).getAllByRole("listitem").map((li) => li.textContent?.replace(/^.*?(AM|PM)/, ""))).toEqual([
      "Scheduledscheduled for 2026-12-01 10:00 Europe/Berlin",
      "Scheduled → Publishingpublishing",
      "Publishing → Publishedpublished",
    ]);
    expect(within(cards[1]!).getByTestId("target-error").textContent).toContain("Part 2: the webhook refused the request (HTTP 400)");
    // The count of tries says what it counts: the server starts it again on each Retry.
    expect(within(cards[1]!).getByTestId("target-attempts").textContent).toBe("3 tries (counted afresh from each Retry or Publish now)");
    expect(screen.getByTestId("post-parts").textContent).toContain("Part 2");
  });

  it("never shows a raw UTC instant: times inside messages are in the user's zone", async () => {
    const retrying = makePost({
      id: "p2",
      targets: [
        makeTarget({
          id: "t",
          state: "scheduled",
          history: [{ at: "2026-12-07T01:26:00Z", from: "publishing", to: "scheduled", message: "will try again at 2026-12-07T01:26:40.034Z" }],
        }),
      ],
    });
    mockApi({ "GET /api/v1/posts/p2": () => jsonResponse(200, retrying) });
    renderWithClient(<PostDetail id="p2" timezone="Asia/Kolkata" />);
    const history = await screen.findByTestId("target-history");
    expect(history.textContent).toContain("will try again at Dec 7, 2026, 6:56 AM");
    expect(history.textContent).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it("retries only the failed channel", async () => {
    const { calls } = mockApi({
      "GET /api/v1/posts/p1": () => jsonResponse(200, post),
      "POST /api/v1/posts/p1/publish": () => jsonResponse(200, post),
    });
    const user = userEvent.setup();
    renderWithClient(<PostDetail id="p1" timezone="UTC" />);
    await user.click(await screen.findByRole("button", { name: `Retry ${WEBHOOK.handle}` }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    expect(await calls.find((c) => c.method === "POST")!.json()).toEqual({ target_ids: ["bad"] });
  });

  it("says when the post doesn't exist", async () => {
    mockApi({});
    renderWithClient(<PostDetail id="nope" timezone="UTC" />);
    expect(await screen.findByText("This post doesn't exist, or it isn't yours.")).toBeTruthy();
  });
});
