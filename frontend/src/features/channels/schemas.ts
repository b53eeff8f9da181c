// zod/mini, as in the auth feature: the same Zod 4 checks with a tree-shakable API.
import { z } from "zod/mini";

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
