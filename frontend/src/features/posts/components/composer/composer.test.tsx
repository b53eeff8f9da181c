import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import toast from "react-hot-toast";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { navigation } from "@/test/next-navigation";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { BLUESKY, makePost, makeTarget, WEBHOOK } from "../../test-data";
import { Composer } from "./composer";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());
vi.mock("react-hot-toast", () => ({ default: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }) }));

function check(platform: string, text: string) {
  const max = platform === "webhook" ? null : 300;
  return {
    platform,
    weighted_length: [...text].length,
    max,
    valid: true,
    violations: [],
    entities: { hashtags: [], mentions: [], urls: [], cashtags: [] },
    facets: [],
  };
}

const textCheck = async (r: Request) => {
  const body = (await r.clone().json()) as { platform: string; text: string };
  return jsonResponse(200, check(body.platform, body.text));
};

async function postBodies(calls: Request[]) {
  return Promise.all(calls.filter((c) => c.method === "POST" && new URL(c.url).pathname === "/api/v1/posts").map((c) => c.clone().json()));
}

// Typing and dialogs are slow in jsdom on a busy 2-core machine.
describe("Composer", { timeout: 30_000 }, () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
    navigation.search = "";
    navigation.router.push.mockReset();
  });

  it("counts per platform, shows previews, publishes now and opens the post", async () => {
    const created = makePost({ id: "new-1", targets: [makeTarget({ state: "scheduled" })] });
    const { calls } = mockApi({ "POST /api/v1/text/check": textCheck, "POST /api/v1/posts": () => jsonResponse(201, created) });
    const user = userEvent.setup();
    renderWithClient(<Composer channels={[BLUESKY, WEBHOOK]} timezone="Europe/Berlin" />);

    await user.click(screen.getByRole("checkbox", { name: /alice\.bsky\.social/ }));
    await user.click(screen.getByRole("checkbox", { name: /127\.0\.0\.1/ }));
    await user.type(screen.getByLabelText("Post text"), "Hello #world");
    await waitFor(() => {
      const counters = screen.getAllByTestId("text-counter");
      expect(counters.map((c) => c.textContent)).toEqual(["Bluesky12 / 300", "Webhook12 characters, no limit"]);
    });
    const previews = screen.getAllByTestId("preview-card");
    expect(previews.map((p) => p.dataset.platform)).toEqual(["bluesky", "webhook"]);
    expect(within(previews[0]!).getByText("#world").dataset.entity).toBe("hashtag");

    await user.click(screen.getByRole("button", { name: "Publish now" }));
    await waitFor(() => expect(navigation.router.push).toHaveBeenCalledWith("/posts/view/?id=new-1"));
    expect(await postBodies(calls)).toEqual([
      {
        channel_ids: [BLUESKY.id, WEBHOOK.id],
        content: { parts: [{ text: "Hello #world", media: [] }], link: null },
        schedule: { mode: "now" },
        allow_duplicate: false,
      },
    ]);
    expect(toast.success).toHaveBeenCalledWith("Publishing now.");
  });

  it("asks before posting the same text again, then sends allow_duplicate", async () => {
    let answer = () =>
      jsonResponse(409, {
        error: {
          code: "duplicate_post",
          message: "The same text went to this channel in the last 7 days.",
          details: { duplicates: [{ channel_id: BLUESKY.id, post_id: "old" }] },
        },
      });
    const { calls } = mockApi({ "POST /api/v1/text/check": textCheck, "POST /api/v1/posts": () => answer() });
    const user = userEvent.setup();
    renderWithClient(<Composer channels={[BLUESKY]} timezone="UTC" />);
    // A single channel is picked already.
    expect((screen.getByRole("checkbox", { name: /alice/ }) as HTMLInputElement).checked).toBe(true);
    await user.type(screen.getByLabelText("Post text"), "Same again");
    await user.click(screen.getByRole("button", { name: "Add to queue" }));
    const dialog = await screen.findByRole("dialog", { name: "Post the same text again?" });
    expect(within(dialog).getByTestId("duplicate-message").textContent).toBe(
      "You posted the same text to alice.bsky.social within 7 days — post anyway?",
    );
    answer = () => jsonResponse(201, makePost({ id: "dup-ok" }));
    await user.click(within(dialog).getByRole("button", { name: "Post anyway" }));
    await waitFor(() => expect(navigation.router.push).toHaveBeenCalledWith("/posts/view/?id=dup-ok"));
    const bodies = (await postBodies(calls)) as Array<{ allow_duplicate: boolean; schedule: unknown }>;
    expect(bodies.map((b) => [b.allow_duplicate, b.schedule])).toEqual([
      [false, { mode: "queue" }],
      [true, { mode: "queue" }],
    ]);
  });

  it("puts the server's messages next to the text they are about, per channel variant", async () => {
    mockApi({
      "POST /api/v1/text/check": textCheck,
      "POST /api/v1/posts": () =>
        jsonResponse(422, {
          error: {
            code: "validation_failed",
            message: "2 fields are invalid.",
            details: {
              fields: {
                "content.parts[1].text": "text is empty or only whitespace",
                [`variants.${WEBHOOK.id}.parts[0].text`]: "301 characters is over the limit of 300 for the webhook",
                schedule: "127.0.0.1 (generic) has no free queue slot: add weekly slots for it first",
              },
            },
          },
        }),
    });
    const user = userEvent.setup();
    renderWithClient(<Composer channels={[BLUESKY, WEBHOOK]} timezone="UTC" />);
    await user.click(screen.getByRole("checkbox", { name: /alice/ }));
    await user.click(screen.getByRole("checkbox", { name: /127\.0\.0\.1/ }));
    await user.type(screen.getByLabelText("Post text"), "First");
    await user.click(screen.getByRole("button", { name: "Add a part (make a thread)" }));
    await user.type(screen.getByLabelText("Part 2 of 2"), "Second");
    await user.click(screen.getByRole("button", { name: "Customize for Webhook…" }));
    expect(screen.getByRole("tab", { name: WEBHOOK.handle }).getAttribute("aria-selected")).toBe("true");
    await user.click(screen.getByRole("tab", { name: "All channels" }));
    await user.click(screen.getByRole("button", { name: "Add to queue" }));

    const part2 = await screen.findByLabelText("Part 2 of 2");
    await waitFor(() => expect(part2.getAttribute("aria-invalid")).toBe("true"));
    expect(document.getElementById(part2.getAttribute("aria-describedby")!.split(" ")[0]!)?.textContent).toBe(
      "Text is empty or only whitespace.",
    );
    expect(screen.getByTestId("composer-error").textContent).toBe(
      "127.0.0.1 (generic) has no free queue slot: add weekly slots for it first.",
    );
    const tab = screen.getByRole("tab", { name: /127\.0\.0\.1/ });
    expect(within(tab).getByLabelText("1 problem")).toBeTruthy();
    await user.click(tab);
    const variantText = screen.getByLabelText(/Part 1 of 2/);
    expect(variantText.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("301 characters is over the limit of 300 for the webhook.")).toBeTruthy();
  });

  it("checks the form before sending anything", async () => {
    const { calls } = mockApi({ "POST /api/v1/text/check": textCheck });
    const user = userEvent.setup();
    renderWithClient(<Composer channels={[BLUESKY, WEBHOOK]} timezone="UTC" />);
    await user.click(screen.getByRole("button", { name: "Publish now" }));
    expect(await screen.findByText("Pick at least one channel.")).toBeTruthy();
    expect(screen.getByText("Write something or add an image.")).toBeTruthy();
    expect(calls.filter((c) => new URL(c.url).pathname === "/api/v1/posts")).toHaveLength(0);
  });

  it("edits a saved post with posts_update, channels fixed", async () => {
    navigation.search = "post=p-7";
    const saved = makePost({ id: "p-7", content: { parts: [{ text: "Old text", media: [] }], link: null } });
    const { calls } = mockApi({
      "GET /api/v1/posts/p-7": () => jsonResponse(200, saved),
      "GET /api/v1/media": () => jsonResponse(200, []),
      "POST /api/v1/text/check": textCheck,
      "PATCH /api/v1/posts/p-7": () => jsonResponse(200, saved),
    });
    const user = userEvent.setup();
    renderWithClient(<Composer channels={[BLUESKY, WEBHOOK]} timezone="UTC" />);
    const text = await screen.findByLabelText("Post text");
    expect((text as HTMLTextAreaElement).value).toBe("Old text");
    expect((screen.getByRole("checkbox", { name: /alice/ }) as HTMLInputElement).disabled).toBe(true);
    await user.clear(text);
    await user.type(text, "New text");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(navigation.router.push).toHaveBeenCalledWith("/posts/view/?id=p-7"));
    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(await patch.json()).toEqual({ content: { parts: [{ text: "New text", media: [] }], link: null }, allow_duplicate: false });
  });
});
