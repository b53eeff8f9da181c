import { describe, expect, it } from "vitest";
import { makePost } from "../test-data";
import { excerpt, tokenize } from "./content";

describe("post text", () => {
  it("finds hashtags, mentions and links the way a preview highlights them", () => {
    expect(tokenize("Hi @alice.bsky.social, see https://example.com/a?b=1. #launch day, not a#tag")).toEqual([
      { kind: "text", text: "Hi " },
      { kind: "mention", text: "@alice.bsky.social" },
      { kind: "text", text: ", see " },
      { kind: "link", text: "https://example.com/a?b=1" },
      { kind: "text", text: ". " },
      { kind: "hashtag", text: "#launch" },
      { kind: "text", text: " day, not a#tag" },
    ]);
  });

  it("shortens long text for a list", () => {
    const long = makePost({ content: { parts: [{ text: `${"word ".repeat(60)}`, media: [] }], link: null } });
    expect(excerpt(long, 20)).toBe("word word word word…");
    expect(excerpt(makePost({ content: { parts: [{ text: " ", media: [{ id: "m", alt: null }] }], link: null } }))).toBe("(image only)");
  });
});
