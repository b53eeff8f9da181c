import type { Post, PostTarget } from "../api/types";

export type Token = { kind: "text" | "hashtag" | "mention" | "link"; text: string };

const ENTITY = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]|#[\p{L}\p{N}_]+|@[\w.-]+(?:@[\w.-]+)?[\w])/gu;

/** Splits a post's text into plain runs and the hashtags, mentions and links a platform highlights. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const match of text.matchAll(ENTITY)) {
    const start = match.index ?? 0;
    const value = match[0];
    // A `#` or `@` inside a word (foo#bar, a@b.c) is not an entity.
    if ((value.startsWith("#") || value.startsWith("@")) && start > 0 && /[\p{L}\p{N}_]/u.test(text.charAt(start - 1))) continue;
    if (start > last) tokens.push({ kind: "text", text: text.slice(last, start) });
    tokens.push({ kind: value.startsWith("#") ? "hashtag" : value.startsWith("@") ? "mention" : "link", text: value });
    last = start + value.length;
  }
  if (last < text.length) tokens.push({ kind: "text", text: text.slice(last) });
  return tokens;
}

/** The first part's text, shortened for a list row. */
export function excerpt(post: Pick<Post, "content">, max = 140): string {
  const text = (post.content.parts[0]?.text ?? "").replace(/\s+/g, " ").trim();
  if (!text) return post.content.parts[0]?.media?.length ? "(image only)" : "(no text)";
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

/** When a target goes (or went) out: its schedule, else when it was published. */
export function targetTime(target: Pick<PostTarget, "scheduled_at" | "published_at">): string | null {
  return target.scheduled_at ?? target.published_at ?? null;
}

/** The earliest time among a post's targets (null for an unscheduled draft). */
export function postTime(post: Pick<Post, "targets">): string | null {
  let best: string | null = null;
  for (const t of post.targets) {
    const at = targetTime(t);
    if (at && (!best || Date.parse(at) < Date.parse(best))) best = at;
  }
  return best;
}

/** Only http(s) links are ever rendered as links. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const { protocol } = new URL(url);
    return protocol === "https:" || protocol === "http:" ? url : null;
  } catch {
    return null;
  }
}

export function postDetailHref(id: string): string {
  return `/posts/view/?id=${encodeURIComponent(id)}`;
}

export function editHref(id: string): string {
  return `/compose/?post=${encodeURIComponent(id)}`;
}
