import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { makeChannel, makePlatforms } from "../test-data";
import { ChannelsView } from "./channels-view";
import { ReconnectIndicator } from "./reconnect-indicator";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());
vi.mock("react-hot-toast", () => ({ default: { success: vi.fn(), error: vi.fn() } }));

const revoked = makeChannel({
  id: "0190a1b2-0000-7000-8000-0000000000r1",
  handle: "bob.bsky.social",
  status: "needs_reconnect",
  status_message: "the app password was revoked",
});

describe("ChannelsView", () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });

  it("shows an empty state with a way to connect every platform the server offers", async () => {
    mockApi({
      "GET /api/v1/channels": () => jsonResponse(200, []),
      "GET /api/v1/notifications": () => jsonResponse(200, []),
      "GET /api/v1/channels/platforms": () => jsonResponse(200, makePlatforms()),
    });
    const user = userEvent.setup();
    renderWithClient(<ChannelsView />);
    const empty = await screen.findByText("No channels connected yet");
    expect(empty).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/coming (soon|later)/i);
    expect(screen.queryByTestId("reconnect-banner")).toBeNull();

    await user.click(screen.getByRole("button", { name: "Connect your first channel" }));
    expect(screen.getByRole("heading", { name: "Connect a channel", level: 2 })).toBe(document.activeElement);
    expect(((await screen.findByRole("radio", { name: "Bluesky" })) as HTMLInputElement).checked).toBe(true);
    for (const name of ["Mastodon", "X", "LinkedIn", "Reddit", "Instagram", "Threads", "Webhook"]) {
      expect(screen.getByRole("radio", { name })).toBeTruthy();
    }
    expect(screen.queryByText(/coming soon/i)).toBeNull();

    await user.click(screen.getByRole("radio", { name: "Threads" }));
    expect((screen.getByRole("button", { name: "Continue with Threads" }) as HTMLButtonElement).disabled).toBe(true);
    await user.click(screen.getByRole("radio", { name: "Mastodon" }));
    expect(screen.getByLabelText("Mastodon server")).toBeTruthy();
    await user.click(screen.getByRole("radio", { name: /Webhook/ }));
    expect(screen.getByLabelText("Webhook URL")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Close connect a channel" }));
    expect(screen.queryByRole("heading", { name: "Connect a channel" })).toBeNull();
  });

  it("lists channels with health and warns about those needing reconnect", async () => {
    mockApi({
      "GET /api/v1/channels": () => jsonResponse(200, [makeChannel(), revoked]),
      "GET /api/v1/notifications": () => jsonResponse(200, []),
    });
    renderWithClient(<ChannelsView />);
    const cards = await screen.findAllByTestId("channel-card");
    expect(cards).toHaveLength(2);
    expect(within(cards[0]!).getByText("alice.bsky.social")).toBeTruthy();
    expect(within(cards[0]!).getByText("https://bsky.social")).toBeTruthy();
    expect(within(cards[0]!).getByTestId("channel-health").textContent).toBe("Status: OK");
    expect(within(cards[1]!).getByTestId("channel-health").textContent).toBe("Status: Needs reconnect");
    const banner = screen.getByTestId("reconnect-banner");
    expect(banner.textContent).toContain("1 channel needs reconnecting");
    expect(banner.textContent).toContain("bob.bsky.social (Bluesky): The app password was revoked.");
  });

  it("confirms before disconnecting, then removes the channel", async () => {
    let list = [makeChannel()];
    const { calls } = mockApi({
      "GET /api/v1/channels": () => jsonResponse(200, list),
      "GET /api/v1/notifications": () => jsonResponse(200, []),
      [`DELETE /api/v1/channels/${list[0]!.id}`]: () => {
        list = [];
        return new Response(null, { status: 204 });
      },
    });
    const user = userEvent.setup();
    renderWithClient(<ChannelsView />);
    await user.click(await screen.findByRole("button", { name: "Disconnect alice.bsky.social" }));
    expect(calls.some((r) => r.method === "DELETE")).toBe(false);
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(calls.some((r) => r.method === "DELETE")).toBe(false);

    await user.click(screen.getByRole("button", { name: "Disconnect alice.bsky.social" }));
    await user.click(screen.getByRole("button", { name: "Yes, disconnect" }));
    await screen.findByText("No channels connected yet");
    expect(calls.filter((r) => r.method === "DELETE")).toHaveLength(1);
  });

  it("tests a channel and shows its new health", async () => {
    const failing = { ...makeChannel(), status: "error", status_message: "the PDS answered 500", last_checked_at: "2026-11-27T10:00:00Z" };
    mockApi({
      "GET /api/v1/channels": () => jsonResponse(200, [makeChannel()]),
      "GET /api/v1/notifications": () => jsonResponse(200, []),
      [`POST /api/v1/channels/${failing.id}/test`]: () => jsonResponse(200, failing),
    });
    const user = userEvent.setup();
    renderWithClient(<ChannelsView />);
    await user.click(await screen.findByRole("button", { name: "Test alice.bsky.social" }));
    await vi.waitFor(() => expect(screen.getByTestId("channel-health").textContent).toBe("Status: Error"));
    expect(screen.getByTestId("channel-health-detail").textContent).toBe("The PDS answered 500.");
  });
});

describe("ReconnectIndicator", () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });

  it("links to Channels only while a channel needs reconnecting", async () => {
    mockApi({ "GET /api/v1/channels": () => jsonResponse(200, [makeChannel(), revoked]) });
    renderWithClient(<ReconnectIndicator />);
    const link = await screen.findByRole("link", { name: "1 channel needs reconnecting" });
    expect(link.getAttribute("href")).toMatch(/^\/channels\/?$/);
  });

  it("is absent when every channel is fine", async () => {
    const { calls } = mockApi({ "GET /api/v1/channels": () => jsonResponse(200, [makeChannel()]) });
    renderWithClient(<ReconnectIndicator />);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(screen.queryByTestId("reconnect-indicator")).toBeNull();
  });
});
