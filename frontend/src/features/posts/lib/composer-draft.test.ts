import { beforeEach, describe, expect, it } from "vitest";
import type { ComposerValues } from "../schemas";
import { clearDraft, DRAFT_KEY, hasContent, loadDraft, saveDraft } from "./composer-draft";

const values: ComposerValues = {
  channelIds: ["c1"],
  parts: [{ text: "Half-written launch post", media: [] }],
  link: "",
  variants: [],
};

describe("composer draft autosave", () => {
  beforeEach(() => localStorage.clear());

  it("keeps unsaved text and gives it back", () => {
    saveDraft(values);
    expect(JSON.parse(localStorage.getItem(DRAFT_KEY) ?? "null")).toEqual(values);
    expect(loadDraft()).toEqual(values);
  });

  it("keeps nothing for an empty form, and forgets once cleared (after saving)", () => {
    saveDraft(values);
    saveDraft({ ...values, parts: [{ text: "   ", media: [] }] });
    expect(localStorage.getItem(DRAFT_KEY)).toBeNull();
    saveDraft(values);
    clearDraft();
    expect(loadDraft()).toBeNull();
  });

  it("drops a stored draft it can't read instead of breaking the composer", () => {
    localStorage.setItem(DRAFT_KEY, "{not json");
    expect(loadDraft()).toBeNull();
    expect(localStorage.getItem(DRAFT_KEY)).toBeNull();
    localStorage.setItem(DRAFT_KEY, JSON.stringify({ channelIds: "c1", parts: [] }));
    expect(loadDraft()).toBeNull();
  });

  it("counts text in a variant, an image or a link as content", () => {
    expect(hasContent({ ...values, parts: [{ text: "", media: [] }], variants: [{ channelId: "c1", parts: [{ text: "only here", media: [] }] }] })).toBe(true);
    expect(hasContent({ ...values, parts: [{ text: "", media: [{ id: "m", alt: "", url: "/x", filename: "a.png" }] }] })).toBe(true);
    expect(hasContent({ ...values, parts: [{ text: "", media: [] }], link: "https://example.com" })).toBe(true);
    expect(hasContent({ ...values, parts: [{ text: "", media: [] }] })).toBe(false);
  });
});
