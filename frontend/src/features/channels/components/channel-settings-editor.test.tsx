import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import toast from "react-hot-toast";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import type { Channel } from "../api/types";
import { makeChannel } from "../test-data";
import { ChannelsView } from "./channels-view";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());
vi.mock("react-hot-toast", () => ({ default: { success: vi.fn(), error: vi.fn() } }));

const reddit = makeChannel({
  id: "0190a1b2-0000-7000-8000-0000000000d1",
  platform: "reddit",
  handle: "u/alice",
  external_id: "t2_abc",
  base_url: "https://oauth.reddit.com",
  settings: { username: "alice", subreddit: "u_alice" },
});

const mastodon = makeChannel({
  id: "0190a1b2-0000-7000-8000-0000000000e1",
  platform: "mastodon",
  handle: "@alice@mastodon.social",
  external_id: "1",
  base_url: "https://mastodon.social",
  settings: { max_characters: 500, visibility: "unlisted" },
});

/** The message under a labelled field, or null while it is valid. */
function errorOf(label: string): string | null {
  const input = screen.getByLabelText(label);
  if (input.getAttribute("aria-invalid") !== "true") return null;
  return document.getElementById(input.getAttribute("aria-describedby") ?? "")?.textContent ?? null;
}

/** channels_list and channels_update over one in-memory channel; `patch` may answer instead. */
function serve(start: Channel, patch?: (body: { settings: Record<string, string> }) => Response | null) {
  let channel = start;
  return mockApi({
    "GET /api/v1/channels": () => jsonResponse(200, [channel]),
    "GET /api/v1/notifications": () => jsonResponse(200, []),
    [`PATCH /api/v1/channels/${start.id}`]: async (r) => {
      const body = (await r.clone().json()) as { settings: Record<string, string> };
      const answer = patch?.(body);
      if (answer) return answer;
      const settings: Record<string, unknown> = { ...channel.settings };
      for (const [key, value] of Object.entries(body.settings)) {
        const v = key === "subreddit" ? value.replace(/^\/?r\//, "") : value;
        if (v === "") delete settings[key];
        else settings[key] = v;
      }
      channel = { ...channel, settings };
      return jsonResponse(200, channel);
    },
  });
}

async function openSettings(handle: string) {
  const user = userEvent.setup();
  renderWithClient(<ChannelsView />);
  const toggle = await screen.findByRole("button", { name: `Publishing settings for ${handle}` });
  await user.click(toggle);
  expect(toggle.getAttribute("aria-expanded")).toBe("true");
  return { user, toggle };
}

const patchBodies = async (calls: Request[]) =>
  Promise.all(calls.filter((c) => c.method === "PATCH").map((c) => c.clone().json() as Promise<unknown>));

// Typing is slow in jsdom on a busy 2-core machine.
describe("ChannelSettingsEditor", { timeout: 30_000 }, () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
    vi.mocked(toast.success).mockClear();
    vi.mocked(toast.error).mockClear();
  });

  it("is offered on Reddit and Mastodon cards only", async () => {
    const others = [
      makeChannel(),
      makeChannel({ id: "0190a1b2-0000-7000-8000-0000000000f1", platform: "webhook", handle: "hooks.example.com (slack)", settings: { format: "slack" } }),
      makeChannel({ id: "0190a1b2-0000-7000-8000-0000000000f2", platform: "x", handle: "@alice" }),
      makeChannel({ id: "0190a1b2-0000-7000-8000-0000000000f3", platform: "linkedin", handle: "Alice Example" }),
    ];
    mockApi({
      "GET /api/v1/channels": () => jsonResponse(200, [...others, reddit, mastodon]),
      "GET /api/v1/notifications": () => jsonResponse(200, []),
    });
    renderWithClient(<ChannelsView />);
    const cards = await screen.findAllByTestId("channel-card");
    const withSettings = cards
      .filter((card) => within(card).queryByRole("button", { name: /^Publishing settings for / }))
      .map((card) => card.dataset.platform);
    expect(withSettings).toEqual(["reddit", "mastodon"]);
    const summaries = cards.map((card) => within(card).queryByTestId("channel-settings-summary")?.textContent ?? null);
    expect(summaries).toEqual([null, null, null, null, "Posts to your profile", "Unlisted"]);
  });

  it("sets a Reddit community, then clears it back to the profile", async () => {
    const { calls } = serve(reddit);
    const { user, toggle } = await openSettings("u/alice");
    const community = screen.getByLabelText("Community") as HTMLInputElement;
    expect(community).toBe(document.activeElement);
    // The stored profile target (u_alice) is the default: shown as empty.
    expect(community.value).toBe("");
    expect(screen.getByText(/LetsGrow checks the community's rules and required flair before each post/).textContent).toContain(
      "(u/alice)",
    );
    expect((screen.getByRole("button", { name: "Save settings" }) as HTMLButtonElement).disabled).toBe(true);

    await user.type(community, "r/rust");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(screen.getByTestId("channel-settings-summary").textContent).toBe("Posts to r/rust"));
    expect(toast.success).toHaveBeenCalledWith("Settings saved");
    // Only what changed is sent; the server normalises r/rust to rust.
    expect(await patchBodies(calls)).toEqual([{ settings: { subreddit: "r/rust" } }]);
    expect(community.value).toBe("rust");

    await user.clear(community);
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(screen.getByTestId("channel-settings-summary").textContent).toBe("Posts to your profile"));
    expect((await patchBodies(calls))[1]).toEqual({ settings: { subreddit: "" } });

    await user.click(screen.getByRole("button", { name: "Close" }));
    expect(screen.queryByTestId("reddit-settings")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(toggle));
  });

  it("checks values before sending them", async () => {
    const { calls } = serve(reddit);
    const { user } = await openSettings("u/alice");
    await user.type(screen.getByLabelText("Community"), "r/a b");
    await user.type(screen.getByLabelText("Flair id"), "not a flair!");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(errorOf("Community")).toMatch(/3–21 letters, digits or underscores/));
    expect(errorOf("Flair id")).toMatch(/up to 64 letters, digits, dashes or underscores/);
    expect(calls.some((c) => c.method === "PATCH")).toBe(false);
  });

  it("shows the server's 422 messages under the fields they name", async () => {
    serve(mastodon, () =>
      jsonResponse(422, {
        error: {
          code: "validation_failed",
          message: "2 fields are invalid.",
          details: {
            fields: {
              "settings.language": "Use an ISO 639 language code, like \"en\" or \"de\"",
              "settings.spoiler_text": "A content warning can be at most 500 characters",
            },
          },
        },
      }),
    );
    const { user } = await openSettings("@alice@mastodon.social");
    expect((screen.getByLabelText("Visibility") as HTMLSelectElement).value).toBe("unlisted");
    expect(screen.getByRole("option", { name: "Followers only" })).toBeTruthy();
    await user.type(screen.getByLabelText("Language"), "zz");
    await user.type(screen.getByLabelText("Content warning"), "Spoilers");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(errorOf("Language")).toBe("Use an ISO 639 language code, like \"en\" or \"de\"."));
    expect(errorOf("Content warning")).toBe("A content warning can be at most 500 characters.");
    expect(errorOf("Visibility")).toBeNull();
    expect(screen.getByLabelText("Language")).toBe(document.activeElement);
    expect(toast.success).not.toHaveBeenCalled();
  });

  it("saves Mastodon settings and shows them on the card", async () => {
    const { calls } = serve(mastodon);
    const { user } = await openSettings("@alice@mastodon.social");
    await user.selectOptions(screen.getByLabelText("Visibility"), "private");
    await user.type(screen.getByLabelText("Content warning"), "Spoilers for book 3");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() =>
      expect(screen.getByTestId("channel-settings-summary").textContent).toBe(
        "Followers only · Content warning: “Spoilers for book 3”",
      ),
    );
    expect(toast.success).toHaveBeenCalledWith("Settings saved");
    expect(await patchBodies(calls)).toEqual([{ settings: { visibility: "private", spoiler_text: "Spoilers for book 3" } }]);
  });

  it("asks to reload when the channel changed meanwhile (409)", async () => {
    serve(mastodon, () =>
      jsonResponse(409, { error: { code: "conflict", message: "The channel changed while saving. Reload it and try again." } }),
    );
    const { user } = await openSettings("@alice@mastodon.social");
    await user.type(screen.getByLabelText("Language"), "de");
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    await waitFor(() => expect(toast.error).toHaveBeenCalledWith(expect.stringMatching(/Reload the page/)));
    expect(toast.success).not.toHaveBeenCalled();
    expect(errorOf("Language")).toBeNull();
    expect(screen.queryByTestId("settings-error")).toBeNull();
  });
});
