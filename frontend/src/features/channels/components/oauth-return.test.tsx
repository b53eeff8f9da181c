import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import toast from "react-hot-toast";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { navigation } from "@/test/next-navigation";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { channelKeys } from "../api/keys";
import { makeChannel, makePlatforms } from "../test-data";
import { ChannelsView } from "./channels-view";
import { oauthErrorMessage } from "./oauth-return";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());
vi.mock("react-hot-toast", () => ({ default: { success: vi.fn(), error: vi.fn() } }));

const linkedin = makeChannel({
  id: "0190a1b2-0000-7000-8000-0000000000l1",
  platform: "linkedin",
  handle: "Ada Example",
  external_id: "Lg00001Fk",
  base_url: "https://api.linkedin.com",
});

describe("back from a platform's consent page", () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
    navigation.search = "";
    navigation.router.replace.mockClear();
    vi.mocked(toast.success).mockClear();
    vi.mocked(toast.error).mockClear();
  });

  it("announces the new channel, lists it, and cleans the URL", async () => {
    navigation.search = `?connected=${linkedin.id}`;
    const { calls } = mockApi({
      "GET /api/v1/channels": () => jsonResponse(200, [makeChannel(), linkedin]),
      "GET /api/v1/notifications": () => jsonResponse(200, []),
      "GET /api/v1/channels/platforms": () => jsonResponse(200, makePlatforms()),
    });
    // A list cached before the callback stored the channel, still fresh by staleTime.
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 30_000 } } });
    queryClient.setQueryData(channelKeys.list(), [makeChannel()]);
    render(
      <QueryClientProvider client={queryClient}>
        <ChannelsView />
      </QueryClientProvider>,
    );

    await vi.waitFor(() => expect(toast.success).toHaveBeenCalledWith("Connected Ada Example on LinkedIn.", { id: "oauth-return" }));
    expect(navigation.router.replace).toHaveBeenCalledWith("/channels/");
    expect(navigation.router.replace).toHaveBeenCalledTimes(1);
    expect(toast.error).not.toHaveBeenCalled();
    const card = await vi.waitFor(() => {
      const found = screen.getAllByTestId("channel-card").find((c) => c.getAttribute("data-platform") === "linkedin");
      if (!found) throw new Error("no LinkedIn card yet");
      return found;
    });
    expect(card.textContent).toContain("Ada Example");
    expect(card.textContent).toContain("LinkedIn");
    expect(calls.filter((r) => r.method === "GET" && new URL(r.url).pathname === "/api/v1/channels")).toHaveLength(1);
  });

  it("shows the server's message for a failed connection and cleans the URL", async () => {
    navigation.search =
      "?oauth_error=access_denied&message=" + encodeURIComponent("You cancelled on LinkedIn, so nothing was connected.");
    mockApi({
      "GET /api/v1/channels": () => jsonResponse(200, []),
      "GET /api/v1/notifications": () => jsonResponse(200, []),
    });
    renderWithClient(<ChannelsView />);
    await vi.waitFor(() =>
      expect(toast.error).toHaveBeenCalledWith("You cancelled on LinkedIn, so nothing was connected.", {
        id: "oauth-return",
        duration: 8000,
      }),
    );
    expect(navigation.router.replace).toHaveBeenCalledWith("/channels/");
    expect(toast.success).not.toHaveBeenCalled();
    await screen.findByText("No channels connected yet");
  });

  it("waits for the session before handling the return", async () => {
    resetSession();
    navigation.search = "?oauth_error=state_invalid";
    mockApi({});
    renderWithClient(<ChannelsView />);
    await new Promise((r) => setTimeout(r, 50));
    expect(toast.error).not.toHaveBeenCalled();
    expect(navigation.router.replace).not.toHaveBeenCalled();
  });

  it("does nothing on a plain visit", async () => {
    mockApi({
      "GET /api/v1/channels": () => jsonResponse(200, []),
      "GET /api/v1/notifications": () => jsonResponse(200, []),
    });
    renderWithClient(<ChannelsView />);
    await screen.findByText("No channels connected yet");
    expect(toast.success).not.toHaveBeenCalled();
    expect(toast.error).not.toHaveBeenCalled();
    expect(navigation.router.replace).not.toHaveBeenCalled();
  });

  it("has a message for each error code, even without one from the server", () => {
    expect(oauthErrorMessage("platform_rejected", "  linkedin refused the authorization code  ")).toBe(
      "Linkedin refused the authorization code.",
    );
    expect(oauthErrorMessage("state_invalid", null)).toContain("expired or was already used");
    expect(oauthErrorMessage("channel_exists", "")).toBe("This account is already connected as a channel.");
    expect(oauthErrorMessage("something_new", null)).toBe("Connecting didn't work (something_new). Try again.");
  });
});
