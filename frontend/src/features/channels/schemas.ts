// zod/mini, as in the auth feature: the same Zod 4 checks with a tree-shakable API.
import { z } from "zod/mini";
import type { MastodonVisibility } from "./api/types";

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

export const WEBHOOK_FORMATS = ["generic", "discord", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const blueskySchema = z.object({
  identifier: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, "Enter your handle, DID or email address."),
      z.maxLength(256, "That is too long for a handle."),
    ),
  app_password: z
    .string()
    .check(z.trim(), z.minLength(1, "Enter an app password."), z.maxLength(256, "That app password is too long.")),
  service_url: z
    .string()
    .check(
      z.trim(),
      z.maxLength(2048, "That URL is too long."),
      z.refine((v) => v === "" || isHttpUrl(v), "Enter a full URL starting with https://, or leave it empty."),
    ),
});
export type BlueskyInput = z.infer<typeof blueskySchema>;

export const webhookSchema = z.object({
  url: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, "Enter the webhook URL."),
      z.maxLength(2048, "That URL is too long."),
      z.refine(isHttpUrl, "Enter a full URL starting with https:// or http://."),
    ),
  format: z.enum(WEBHOOK_FORMATS, "Choose a format."),
});
export type WebhookInput = z.infer<typeof webhookSchema>;

/** "mastodon.social" or a pasted profile URL → "https://mastodon.social" (the server's origin). */
export function instanceOrigin(value: string): string | null {
  const text = value.trim();
  if (!text) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    if (!url.hostname || /\s/.test(text)) return null;
    return url.origin;
  } catch {
    return null;
  }
}

export const mastodonSchema = z.object({
  instance_url: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, "Enter your Mastodon server, for example mastodon.social."),
      z.maxLength(2048, "That address is too long."),
      z.refine((v) => instanceOrigin(v) !== null, "Enter a server address such as mastodon.social or https://mastodon.social."),
    ),
});
export type MastodonInput = z.infer<typeof mastodonSchema>;

// Publishing settings (channels_update `settings`), mirroring the server's checks in
// letsgrow-providers channel_settings.rs; the server stays the judge. An empty value
// restores the platform's default, so every field accepts "".

/** "rust", "r/rust" or "/r/rust/": a community name of 3–21 letters, digits or underscores. */
const SUBREDDIT = /^\/?(?:r\/)?[A-Za-z0-9_]{3,21}\/?$/;
const FLAIR_ID = /^[A-Za-z0-9_-]{1,64}$/;
const LANGUAGE = /^[A-Za-z]{2,3}$/;
export const SPOILER_MAX = 500;

export const redditSettingsSchema = z.object({
  subreddit: z
    .string()
    .check(
      z.trim(),
      z.refine(
        (v) => v === "" || SUBREDDIT.test(v),
        "Use the community's name, like rust or r/rust (3–21 letters, digits or underscores).",
      ),
    ),
  flair_id: z
    .string()
    .check(
      z.trim(),
      z.refine(
        (v) => v === "" || FLAIR_ID.test(v),
        "A flair id is up to 64 letters, digits, dashes or underscores: copy it from the community's flair list.",
      ),
    ),
});
export type RedditSettingsInput = z.infer<typeof redditSettingsSchema>;

/** Mastodon's visibilities, in the order the editor offers them. */
export const MASTODON_VISIBILITIES = ["public", "unlisted", "private", "direct"] as const satisfies readonly MastodonVisibility[];

export const mastodonSettingsSchema = z.object({
  visibility: z.enum(MASTODON_VISIBILITIES, "Choose who sees the posts."),
  spoiler_text: z
    .string()
    .check(
      z.trim(),
      // Counted in characters (code points), as the server does.
      z.refine((v) => [...v].length <= SPOILER_MAX, `A content warning can be at most ${SPOILER_MAX} characters.`),
    ),
  language: z
    .string()
    .check(
      z.trim(),
      z.refine((v) => v === "" || LANGUAGE.test(v), "Use a 2- or 3-letter ISO 639 language code, like en or de."),
    ),
});
export type MastodonSettingsInput = z.infer<typeof mastodonSettingsSchema>;

/**
 * The editors' forms nest their fields under `settings`, so the server's 422 field
 * names (`settings.subreddit`, …) are the forms' own field paths.
 */
export const redditSettingsForm = z.object({ settings: redditSettingsSchema });
export type RedditSettingsForm = z.infer<typeof redditSettingsForm>;
export const mastodonSettingsForm = z.object({ settings: mastodonSettingsSchema });
export type MastodonSettingsForm = z.infer<typeof mastodonSettingsForm>;
