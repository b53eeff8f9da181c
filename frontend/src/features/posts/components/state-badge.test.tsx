import { render, screen } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import { wallTime } from "@/lib/zoned-time";
import { STATE_STYLES, stateStyle } from "../lib/states";
import { makePost, makeTarget } from "../test-data";
import type { PostTarget } from "../api/types";
import { TargetChip } from "./calendar/target-chip";
import { StateBadge } from "./state-badge";

vi.mock("next/link", () => ({
  default: ({ href, children, ...rest }: { href: string; children: ReactNode }) => (
    <a href={href} {...rest}>
      {children}
    </a>
  ),
}));

const EXPECTED = {
  draft: ["grey", "zinc"],
  scheduled: ["blue", "blue"],
  publishing: ["amber", "amber"],
  published: ["green", "green"],
  failed: ["red", "red"],
  unconfirmed: ["purple", "purple"],
} as const;

function chip(state: PostTarget["state"], url: string | null = null) {
  const target = makeTarget({ state, url, scheduled_at: "2026-12-01T09:05:00Z" });
  const at = new Date("2026-12-01T09:05:00Z");
  const view = render(
    <TargetChip item={{ post: makePost({ targets: [target] }), target, at, wall: wallTime(at, "UTC"), day: "2026-12-01" }} onDragStart={vi.fn()} />,
  );
  return Object.assign(screen.getByTestId("calendar-chip"), { unmount: view.unmount });
}

describe("state colours", () => {
  it.each(Object.entries(EXPECTED))("%s is %s", (state, [tone, palette]) => {
    const style = stateStyle(state);
    expect(style.tone).toBe(tone);
    expect(style.chip).toContain(`bg-${palette}-`);
    render(<StateBadge state={state} />);
    const badge = screen.getByTestId("state-badge");
    expect(badge.dataset.tone).toBe(tone);
    expect(badge.className).toContain(`text-${palette}-`);
    expect(badge.textContent).toBe(STATE_STYLES[state as keyof typeof STATE_STYLES].label);
  });

  it("colours calendar chips the same way, and only scheduled and draft chips drag", () => {
    for (const [state, [tone]] of Object.entries(EXPECTED)) {
      const el = chip(state as PostTarget["state"]);
      expect(el.dataset.tone).toBe(tone);
      expect(el.getAttribute("draggable")).toBe(String(state === "scheduled" || state === "draft"));
      el.unmount();
    }
  });

  it("links a published chip to the post and to the platform's URL", () => {
    const el = chip("published", "https://bsky.app/profile/alice/post/1");
    expect(screen.getByTestId("chip-link").getAttribute("href")).toBe("/posts/view/?id=post-1");
    const external = screen.getByTestId("chip-external-link");
    expect(external.getAttribute("href")).toBe("https://bsky.app/profile/alice/post/1");
    expect(external.getAttribute("aria-label")).toBe("View on Bluesky: alice.bsky.social at 9:05 AM");
    expect(el.textContent).toContain("9:05 AM");
  });

  it("never links a non-http URL", () => {
    chip("published", "javascript:alert(1)");
    expect(screen.queryByTestId("chip-external-link")).toBeNull();
  });

  it("names an unknown state instead of hiding it", () => {
    expect(stateStyle("on_hold").label).toBe("on hold");
  });
});
