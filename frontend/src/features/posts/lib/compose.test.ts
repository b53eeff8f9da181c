import { describe, expect, it } from "vitest";
import { ApiError } from "@/api/errors";
import { makePost, makeTarget } from "../test-data";
import type { ChannelInfo } from "../api/types";
import { counterSpecs, createBody, duplicateChannels, placedKeys, serverSentence, subjectOf, updateBody, valuesFromPost } from "./compose";

const values = {
  channelIds: ["a", "b"],
  parts: [
    { text: "Hello", media: [{ id: "m1", alt: "  A cat ", url: "u", filename: "cat.png" }] },
    { text: "Second", media: [] },
  ],
  link: " https://example.com ",
  variants: [{ channelId: "b", parts: [{ text: "Hi B", media: [] }] }],
};

describe("composer requests", () => {
  it("builds posts_create's body with variants and the link in each", () => {
    expect(createBody(values, { mode: "queue" })).toEqual({
      channel_ids: ["a", "b"],
      content: {
        parts: [
          { text: "Hello", media: [{ id: "m1", alt: "A cat" }] },
          { text: "Second", media: [] },
        ],
        link: "https://example.com",
      },
      variants: { b: { parts: [{ text: "Hi B", media: [] }], link: "https://example.com" } },
      schedule: { mode: "queue" },
      allow_duplicate: false,
    });
    expect(createBody({ ...values, variants: [] }, { mode: "draft" }, true)).not.toHaveProperty("variants");
    expect(createBody({ ...values, link: "" }, { mode: "draft" }, true).content.link).toBeNull();
  });

  it("drops a variant for a channel that is no longer picked", () => {
    expect(createBody({ ...values, channelIds: ["a"] }, { mode: "draft" })).not.toHaveProperty("variants");
  });

  it("removes a variant on edit with null, and keeps the schedule out unless one is chosen", () => {
    const original = makePost({
      targets: [
        makeTarget({ channel_id: "a", variant: { parts: [{ text: "old A", media: [] }], link: null } }),
        makeTarget({ id: "t2", channel_id: "b" }),
      ],
    });
    const body = updateBody(values, original, null);
    expect(body.variants).toEqual({ b: { parts: [{ text: "Hi B", media: [] }], link: "https://example.com" }, a: null });
    expect(body).not.toHaveProperty("schedule");
    expect(updateBody(values, original, { mode: "now" }).schedule).toEqual({ mode: "now" });
  });

  it("reads a saved post back into the form", () => {
    const post = makePost({
      content: { parts: [{ text: "Hi", media: [{ id: "m1", alt: null }] }], link: "https://x.example" },
      targets: [makeTarget({ channel_id: "a" }), makeTarget({ id: "t2", channel_id: "b", variant: { parts: [{ text: "B!", media: [] }], link: null } })],
    });
    expect(valuesFromPost(post, (id) => ({ id, alt: "", url: `https://media/${id}`, filename: "cat.png" }))).toEqual({
      channelIds: ["a", "b"],
      parts: [{ text: "Hi", media: [{ id: "m1", alt: "", url: "https://media/m1", filename: "cat.png" }] }],
      link: "https://x.example",
      variants: [{ channelId: "b", parts: [{ text: "B!", media: [] }] }],
    });
  });
});

describe("server field errors", () => {
  it("knows which keys have an input to sit next to", () => {
    const keys = placedKeys(values);
    for (const key of ["content.parts[0].text", "content.parts[1].text", "content.parts[0].media[0].alt", "content.link", "variants.b.parts[0].text", "variants.b.parts"]) {
      expect(keys.has(key)).toBe(true);
    }
    expect(keys.has("content.parts[2].text")).toBe(false);
    expect(keys.has("variants.a.parts[0].text")).toBe(false);
  });

  it("turns fragments into sentences about the right thing", () => {
    expect(serverSentence(subjectOf("schedule"), "is in the past; pick a later time or publish now")).toBe(
      "The time is in the past; pick a later time or publish now.",
    );
    expect(serverSentence(subjectOf("content.parts[0].text"), "320 graphemes is over the limit of 300 for Bluesky")).toBe(
      "320 graphemes is over the limit of 300 for Bluesky.",
    );
    expect(serverSentence(subjectOf("content.link"), "must be an http(s) URL")).toBe("The link must be an http(s) URL.");
    expect(serverSentence(subjectOf("content.parts[0].media[1]"), "no such media item")).toBe("No such media item.");
  });

  it("reads duplicate_post's channels", () => {
    const error = new ApiError(409, {
      code: "duplicate_post",
      message: "The same text went to this channel in the last 7 days.",
      details: { duplicates: [{ channel_id: "a", post_id: "p1" }, { channel_id: "a", post_id: "p2" }, { channel_id: "b", post_id: "p3" }] },
    });
    expect(duplicateChannels(error)).toEqual(["a", "b"]);
    expect(duplicateChannels(new Error("x"))).toEqual([]);
  });
});

describe("counterSpecs", () => {
  const ch = (id: string, platform: ChannelInfo["platform"], settings: Record<string, unknown> = {}): ChannelInfo => ({ id, platform, handle: `@${id}`, status: "active", settings });

  it("counts a webhook against its format's receiver", () => {
    expect(counterSpecs([ch("d", "webhook", { format: "discord" }), ch("s", "webhook", { format: "slack" }), ch("g", "webhook")])).toEqual([
      { platform: "webhook", max: null, format: "discord", label: "Discord webhook" },
      { platform: "webhook", max: null, format: "slack", label: "Slack webhook" },
      { platform: "webhook", max: null, format: "generic", label: "Webhook" },
    ]);
  });

  it("needs one counter for channels with the same limit, and names channels only when limits differ", () => {
    expect(counterSpecs([ch("a", "x"), ch("b", "x"), ch("d1", "webhook", { format: "discord" }), ch("d2", "webhook", { format: "Discord" })])).toEqual([
      { platform: "x", max: null, format: null, label: "X" },
      { platform: "webhook", max: null, format: "discord", label: "Discord webhook" },
    ]);
    expect(counterSpecs([ch("m1", "mastodon", { max_characters: 500 }), ch("m2", "mastodon", { max_characters: 1000 })]).map((c) => c.label)).toEqual(["@m1", "@m2"]);
  });
});
