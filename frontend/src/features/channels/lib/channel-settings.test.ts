import { describe, expect, it, vi } from "vitest";
import { ApiError } from "@/api/errors";
import { makeChannel } from "../test-data";
import type { RedditSettingsForm } from "../schemas";
import {
  applySettingsError,
  changedSettings,
  hasPublishingSettings,
  isConflict,
  mastodonSettingsValues,
  redditSettingsValues,
  settingsSummary,
} from "./channel-settings";

describe("hasPublishingSettings", () => {
  it("is true for Reddit and Mastodon only", () => {
    const all = ["x", "bluesky", "mastodon", "linkedin", "reddit", "instagram", "threads", "webhook"] as const;
    expect(all.filter(hasPublishingSettings)).toEqual(["mastodon", "reddit"]);
  });
});

describe("editor values", () => {
  it("shows Reddit's profile default (u_<name>, or absent) as an empty community", () => {
    expect(redditSettingsValues({ username: "alice", subreddit: "u_alice" })).toEqual({ subreddit: "", flair_id: "" });
    expect(redditSettingsValues({})).toEqual({ subreddit: "", flair_id: "" });
    expect(redditSettingsValues({ subreddit: "rust", flair_id: "abc-1" })).toEqual({ subreddit: "rust", flair_id: "abc-1" });
  });

  it("defaults Mastodon to public with no content warning or language", () => {
    expect(mastodonSettingsValues({ max_characters: 500 })).toEqual({ visibility: "public", spoiler_text: "", language: "" });
    expect(mastodonSettingsValues({ visibility: "bogus" }).visibility).toBe("public");
    expect(mastodonSettingsValues({ visibility: "private", spoiler_text: "CW", language: "de" })).toEqual({
      visibility: "private",
      spoiler_text: "CW",
      language: "de",
    });
  });
});

describe("settingsSummary", () => {
  it("says where Reddit posts go", () => {
    expect(settingsSummary(makeChannel({ platform: "reddit", settings: { subreddit: "u_alice" } }))).toBe("Posts to your profile");
    expect(settingsSummary(makeChannel({ platform: "reddit", settings: { subreddit: "rust", flair_id: "f1" } }))).toBe(
      "Posts to r/rust · Flair f1",
    );
  });

  it("names Mastodon's visibility, with private as followers only", () => {
    expect(settingsSummary(makeChannel({ platform: "mastodon", settings: {} }))).toBe("Public");
    expect(
      settingsSummary(makeChannel({ platform: "mastodon", settings: { visibility: "private", spoiler_text: "Spoilers", language: "en" } })),
    ).toBe("Followers only · Content warning: “Spoilers” · Language: en");
  });

  it("is absent for platforms without settings", () => {
    expect(settingsSummary(makeChannel({ platform: "webhook", settings: { format: "slack" } }))).toBeNull();
    expect(settingsSummary(makeChannel())).toBeNull();
  });
});

describe("changedSettings", () => {
  it("keeps only the changed fields, an emptied one as \"\"", () => {
    expect(changedSettings({ subreddit: "", flair_id: "f1" }, { subreddit: true })).toEqual({ subreddit: "" });
    expect(changedSettings({ subreddit: "rust", flair_id: "" }, undefined)).toEqual({});
  });
});

describe("applySettingsError", () => {
  const labels = { "settings.subreddit": "Community", "settings.flair_id": "Flair id" } as const;
  const invalid = (fields: Record<string, string>) =>
    new ApiError(422, { code: "validation_failed", message: "Some fields are invalid.", details: { fields } });

  it("puts each settings.<key> message on that form field, as a sentence", () => {
    const setError = vi.fn();
    const rest = applySettingsError<RedditSettingsForm>(
      invalid({
        "settings.subreddit": "Use the community's name, like \"rust\" or \"r/rust\" (3–21 letters, digits or underscores)",
        "settings.flair_id": "A flair id is the template id from the community's flair list (letters, digits and dashes)",
      }),
      setError,
      labels,
    );
    expect(rest).toBeNull();
    expect(setError).toHaveBeenCalledWith(
      "settings.subreddit",
      { type: "server", message: "Use the community's name, like \"rust\" or \"r/rust\" (3–21 letters, digits or underscores)." },
      { shouldFocus: true },
    );
    expect(setError).toHaveBeenCalledWith(
      "settings.flair_id",
      { type: "server", message: "A flair id is the template id from the community's flair list (letters, digits and dashes)." },
      { shouldFocus: false },
    );
  });

  it("finishes fragments and returns what no field shows", () => {
    const setError = vi.fn();
    applySettingsError<RedditSettingsForm>(invalid({ "settings.flair_id": "is too long" }), setError, labels);
    expect(setError).toHaveBeenCalledWith("settings.flair_id", { type: "server", message: "Flair id is too long." }, { shouldFocus: true });

    setError.mockClear();
    expect(
      applySettingsError<RedditSettingsForm>(invalid({ "settings.visibility": "Reddit channels have no \"visibility\" setting" }), setError, labels),
    ).toBe("Reddit channels have no \"visibility\" setting.");
    expect(applySettingsError<RedditSettingsForm>(new ApiError(404, { code: "not_found", message: "There is no such channel." }), setError, labels)).toBe(
      "There is no such channel.",
    );
    expect(setError).not.toHaveBeenCalled();
  });
});

describe("isConflict", () => {
  it("recognises the server's 409 conflict", () => {
    expect(isConflict(new ApiError(409, { code: "conflict", message: "The channel changed while saving." }))).toBe(true);
    expect(isConflict(new ApiError(422, { code: "validation_failed", message: "x" }))).toBe(false);
    expect(isConflict(new Error("x"))).toBe(false);
  });
});
