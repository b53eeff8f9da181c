import { describe, expect, it } from "vitest";
import { mastodonSettingsSchema, redditSettingsSchema } from "./schemas";

const reddit = (values: Partial<{ subreddit: string; flair_id: string }>) =>
  redditSettingsSchema.safeParse({ subreddit: "", flair_id: "", ...values });
const mastodon = (values: Partial<{ visibility: string; spoiler_text: string; language: string }>) =>
  mastodonSettingsSchema.safeParse({ visibility: "public", spoiler_text: "", language: "", ...values });

function messages(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
}

describe("redditSettingsSchema", () => {
  it("accepts a community with or without r/, and empty values (back to the defaults)", () => {
    for (const subreddit of ["rust", "r/rust", "/r/Rust_Lang/", "abc", "a".repeat(21), "  r/rust  ", ""]) {
      expect(reddit({ subreddit }).success, subreddit).toBe(true);
    }
    expect(reddit({ subreddit: "  r/rust " }).data).toEqual({ subreddit: "r/rust", flair_id: "" });
    expect(reddit({ flair_id: "0a1b2c3d-4e5f-6789-abcd-ef0123456789" }).success).toBe(true);
    expect(reddit({ flair_id: "x".repeat(64) }).success).toBe(true);
  });

  it("refuses what the server would", () => {
    for (const subreddit of ["ab", "a".repeat(22), "no spaces", "rust!", "R/rust", "u/alice", "r/"]) {
      expect(messages(reddit({ subreddit })), subreddit).toHaveProperty("subreddit");
    }
    expect(messages(reddit({ subreddit: "ab" })).subreddit).toMatch(/3–21 letters, digits or underscores/);
    for (const flair_id of ["x".repeat(65), "has space", "emoji✨"]) {
      expect(messages(reddit({ flair_id })), flair_id).toHaveProperty("flair_id");
    }
  });
});

describe("mastodonSettingsSchema", () => {
  it("accepts each visibility, a content warning up to 500 characters and a language code", () => {
    for (const visibility of ["public", "unlisted", "private", "direct"]) {
      expect(mastodon({ visibility }).success, visibility).toBe(true);
    }
    // Characters, not UTF-16 units: 500 emoji fit, as on the server.
    expect(mastodon({ spoiler_text: "🌱".repeat(500) }).success).toBe(true);
    for (const language of ["en", "DE", "fil", ""]) expect(mastodon({ language }).success, language).toBe(true);
    expect(mastodon({ spoiler_text: "  ", language: " en " }).data).toEqual({ visibility: "public", spoiler_text: "", language: "en" });
  });

  it("refuses what the server would", () => {
    expect(messages(mastodon({ visibility: "friends" }))).toHaveProperty("visibility");
    expect(messages(mastodon({ visibility: "" }))).toHaveProperty("visibility");
    expect(messages(mastodon({ spoiler_text: "a".repeat(501) })).spoiler_text).toBe("A content warning can be at most 500 characters.");
    for (const language of ["e", "engl", "english", "e1", "en-GB"]) {
      expect(messages(mastodon({ language })), language).toHaveProperty("language");
    }
  });
});
