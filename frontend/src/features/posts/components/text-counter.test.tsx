import { QueryClientProvider } from "@tanstack/react-query";
import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { TextCounter } from "./text-counter";

function checkAnswer(text: string, max: number) {
  const length = [...text].length;
  const violations =
    length > max ? [{ code: "too_long", message: `${length} graphemes is over the limit of ${max} for Bluesky`, limit: max, actual: length }] : [];
  if (!text.trim()) violations.unshift({ code: "empty", message: "text is empty or only whitespace", limit: 0, actual: 0 });
  return {
    platform: "bluesky",
    weighted_length: length,
    max,
    valid: violations.length === 0,
    violations,
    entities: { hashtags: [], mentions: [], urls: [], cashtags: [] },
    facets: [],
  };
}

describe("TextCounter", () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });

  it("shows the platform's weighted length over its maximum", async () => {
    const { calls } = mockApi({
      "POST /api/v1/text/check": async (r) => {
        const body = (await r.clone().json()) as { text: string };
        return jsonResponse(200, checkAnswer(body.text, 300));
      },
    });
    renderWithClient(<TextCounter platform="bluesky" text="Hello world" />);
    await waitFor(() => expect(screen.getByTestId("counter-value").textContent).toBe("11 / 300"));
    const counter = screen.getByTestId("text-counter");
    expect(counter.dataset.valid).toBe("true");
    expect(counter.textContent).toContain("Bluesky");
    expect(screen.queryByTestId("counter-violations")).toBeNull();
    expect(await calls[0]?.json()).toEqual({ platform: "bluesky", text: "Hello world" });
  });

  it("turns red with the violation message when the text is too long", async () => {
    mockApi({
      "POST /api/v1/text/check": async (r) => jsonResponse(200, checkAnswer(((await r.clone().json()) as { text: string }).text, 10)),
    });
    renderWithClient(<TextCounter platform="bluesky" text="This is far too long" maxOverride={10} />);
    await waitFor(() => expect(screen.getByTestId("text-counter").dataset.valid).toBe("false"));
    expect(screen.getByTestId("counter-value").textContent).toBe("20 / 10");
    expect(screen.getByTestId("counter-value").parentElement?.className).toContain("text-danger");
    expect(screen.getByTestId("counter-violations").textContent).toBe("20 graphemes is over the limit of 10 for Bluesky.");
  });

  it("leaves empty text to the form instead of shouting", async () => {
    mockApi({ "POST /api/v1/text/check": () => jsonResponse(200, checkAnswer("", 300)) });
    renderWithClient(<TextCounter platform="bluesky" text="" />);
    await waitFor(() => expect(screen.getByTestId("counter-value").textContent).toBe("0 / 300"));
    expect(screen.getByTestId("text-counter").dataset.valid).toBe("true");
  });

  it("asks 300 ms after typing stops, and sends a channel's own limit", async () => {
    const { calls } = mockApi({
      "POST /api/v1/text/check": async (r) => jsonResponse(200, checkAnswer(((await r.clone().json()) as { text: string }).text, 500)),
    });
    const view = renderWithClient(<TextCounter platform="mastodon" text="H" maxOverride={500} />);
    for (const text of ["He", "Hel", "Hell", "Hello"]) {
      view.rerender(
        <QueryClientProvider client={view.queryClient}>
          <TextCounter platform="mastodon" text={text} maxOverride={500} />
        </QueryClientProvider>,
      );
    }
    await waitFor(() => expect(screen.getByTestId("counter-value").textContent).toBe("5 / 500"));
    const bodies = await Promise.all(calls.map((c) => c.json()));
    // The text it started with, then only the settled one: none of the keystrokes between.
    expect(bodies).toEqual([
      { platform: "mastodon", text: "H", max_override: 500 },
      { platform: "mastodon", text: "Hello", max_override: 500 },
    ]);
  });
});
