import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { HighlightedText, urlBreakPoints } from "./highlighted-text";

describe("HighlightedText", () => {
  it("lets a long link wrap only after its separators, never inside a word", () => {
    expect(urlBreakPoints("https://example.com/launch-notes/2026?ref=letsgrow")).toEqual([
      "https://",
      "example.",
      "com/",
      "launch-",
      "notes/",
      "2026?",
      "ref=",
      "letsgrow",
    ]);
    const { container } = render(<HighlightedText text="Read https://example.com/launch-notes now" />);
    const link = container.querySelector("[data-entity='link']")!;
    expect(link.textContent).toBe("https://example.com/launch-notes");
    expect(link.querySelectorAll("wbr")).toHaveLength(4);
    expect(link.className).not.toContain("break-all");
  });
});
