import { ApiError } from "@/api/errors";
import { platformLabel } from "@/lib/platform-names";
import type { ChannelInfo, Content, CreatePostRequest, Platform, Post, Schedule, UpdatePostRequest, WebhookFormat } from "../api/types";
import type { ComposerValues, MediaItem, PartValues } from "../schemas";

/** The content a set of parts and a link make. */
export function toContent(parts: readonly PartValues[], link: string): Content {
  return {
    parts: parts.map((p) => ({
      text: p.text,
      media: p.media.map((m) => ({ id: m.id, alt: m.alt.trim() || null })),
    })),
    link: link.trim() || null,
  };
}

export function createBody(values: ComposerValues, schedule: Schedule, allowDuplicate = false): CreatePostRequest {
  const variants: Record<string, Content> = {};
  for (const v of values.variants) {
    if (values.channelIds.includes(v.channelId)) variants[v.channelId] = toContent(v.parts, values.link);
  }
  return {
    channel_ids: values.channelIds,
    content: toContent(values.parts, values.link),
    ...(Object.keys(variants).length ? { variants } : {}),
    schedule,
    allow_duplicate: allowDuplicate,
  };
}

/**
 * An edit: the content and every variant as the form has them; a channel whose
 * variant was removed gets `null` (posts_update removes it).
 */
export function updateBody(values: ComposerValues, original: Post, schedule: Schedule | null, allowDuplicate = false): UpdatePostRequest {
  const variants: Record<string, Content | null> = {};
  for (const v of values.variants) variants[v.channelId] = toContent(v.parts, values.link);
  for (const t of original.targets) {
    if (t.variant && !(t.channel_id in variants)) variants[t.channel_id] = null;
  }
  return {
    content: toContent(values.parts, values.link),
    // The document types each variant as Content, but the server takes null to remove one.
    ...(Object.keys(variants).length ? { variants: variants as Record<string, Content> } : {}),
    ...(schedule ? { schedule } : {}),
    allow_duplicate: allowDuplicate,
  };
}

function partsFrom(content: Content, mediaUrl: (id: string) => MediaItem | undefined): PartValues[] {
  return content.parts.map((p) => ({
    text: p.text,
    media: (p.media ?? []).map((m) => {
      const known = mediaUrl(m.id);
      return { id: m.id, alt: m.alt ?? "", url: known?.url ?? "", filename: known?.filename ?? m.id };
    }),
  }));
}

/** The form's values for editing a saved post. */
export function valuesFromPost(post: Post, mediaUrl: (id: string) => MediaItem | undefined = () => undefined): ComposerValues {
  return {
    channelIds: [...new Set(post.targets.map((t) => t.channel_id))],
    parts: partsFrom(post.content, mediaUrl),
    link: post.content.link ?? "",
    variants: post.targets.filter((t) => t.variant).map((t) => ({ channelId: t.channel_id, parts: partsFrom(t.variant!, mediaUrl) })),
  };
}

/** The prefix the server uses for a content's fields: `content` or `variants.<channel id>`. */
export function contentPrefix(channelId: string | null): string {
  return channelId ? `variants.${channelId}` : "content";
}

/** Every server field key the composer shows next to an input, for these values. */
export function placedKeys(values: ComposerValues): Set<string> {
  const keys = new Set<string>();
  const add = (prefix: string, parts: readonly PartValues[]) => {
    keys.add(prefix).add(`${prefix}.parts`).add(`${prefix}.link`);
    parts.forEach((p, i) => {
      const part = `${prefix}.parts[${i}]`;
      keys.add(part).add(`${part}.text`).add(`${part}.media`);
      p.media.forEach((_, j) => keys.add(`${part}.media[${j}]`).add(`${part}.media[${j}].alt`));
    });
  };
  add("content", values.parts);
  for (const v of values.variants) add(contentPrefix(v.channelId), v.parts);
  return keys;
}

export function isScheduleKey(key: string): boolean {
  return key === "schedule" || key.startsWith("schedule.");
}

export function isChannelKey(key: string): boolean {
  return key === "channel_ids" || key.startsWith("channel_ids[");
}

const SUBJECTLESS = /^(is|are|must|needs?|has|have|at most|at least|cannot|can't|should)\b/;

/** A server fragment as a sentence: "is in the past" → "The time is in the past." */
export function serverSentence(subject: string, message: string): string {
  let text = message.trim();
  if (!text) return text;
  if (SUBJECTLESS.test(text)) text = `${subject} ${text}`;
  text = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(text) ? text : `${text}.`;
}

/** The subject a server key's fragment is about. */
export function subjectOf(key: string): string {
  if (key.endsWith(".alt")) return "Alt text";
  if (/\.media(\[\d+\])?$/.test(key)) return "The image";
  if (key.endsWith(".text")) return "The text";
  if (key.endsWith(".link")) return "The link";
  if (isScheduleKey(key)) return "The time";
  if (isChannelKey(key)) return "The channel";
  return "The post";
}

/** `duplicate_post`'s channels (details.duplicates[].channel_id). */
export function duplicateChannels(error: unknown): string[] {
  if (!(error instanceof ApiError) || error.code !== "duplicate_post") return [];
  const list = error.details.duplicates;
  if (!Array.isArray(list)) return [];
  const ids = list
    .map((d: unknown) => (typeof d === "object" && d !== null && "channel_id" in d ? String((d as { channel_id: unknown }).channel_id) : null))
    .filter((id): id is string => Boolean(id));
  return [...new Set(ids)];
}

/** One live length counter: a platform, with an instance's own limit or a webhook's format. */
export interface CounterSpec {
  platform: Platform;
  max: number | null;
  format: WebhookFormat | null;
  label: string;
}

const FORMAT_LABELS: Record<WebhookFormat, string> = { generic: "Webhook", discord: "Discord webhook", slack: "Slack webhook" };

function maxOf(c: ChannelInfo): number | null {
  return typeof c.settings?.max_characters === "number" ? c.settings.max_characters : null;
}

/** A webhook channel's format (generic when unset); null for other platforms. */
export function webhookFormatOf(c: ChannelInfo): WebhookFormat | null {
  if (c.platform !== "webhook") return null;
  const raw = typeof c.settings?.format === "string" ? c.settings.format.trim().toLowerCase() : "";
  return raw === "discord" || raw === "slack" ? raw : "generic";
}

/**
 * The counters a set of channels needs: one per platform and limit (a webhook's
 * limit is its format's: Discord 2,000, Slack 40,000). Named by the platform, or
 * the format for webhooks, or the channel when one platform has several limits.
 */
export function counterSpecs(list: readonly ChannelInfo[]): CounterSpec[] {
  const seen = new Map<string, CounterSpec & { handle: string }>();
  for (const c of list) {
    const max = maxOf(c);
    const format = webhookFormatOf(c);
    const key = `${c.platform}:${max ?? ""}:${format ?? ""}`;
    if (seen.has(key)) continue;
    seen.set(key, { platform: c.platform, max, format, label: format ? FORMAT_LABELS[format] : platformLabel(c.platform), handle: c.handle });
  }
  const specs = [...seen.values()];
  return specs.map(({ handle, ...spec }) => (specs.filter((o) => o.label === spec.label).length > 1 ? { ...spec, label: handle } : spec));
}
