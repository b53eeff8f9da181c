import type { ComposerValues } from "../schemas";

/** Where the composer keeps a new post's unsaved text (this browser only; cleared once saved). */
export const DRAFT_KEY = "letsgrow:composer-draft";

type Store = Pick<Storage, "getItem" | "setItem" | "removeItem">;

function store(): Store | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null;
  }
}

/** True when there is something worth keeping: text, an image or a link. */
export function hasContent(values: Partial<ComposerValues> | null | undefined): boolean {
  if (!values) return false;
  const parts = [...(values.parts ?? []), ...(values.variants ?? []).flatMap((v) => v.parts ?? [])];
  return parts.some((p) => (p?.text ?? "").trim() !== "" || (p?.media ?? []).length > 0) || (values.link ?? "").trim() !== "";
}

const isString = (v: unknown): v is string => typeof v === "string";
const isMedia = (m: unknown): boolean => {
  const o = m as Record<string, unknown> | null;
  return Boolean(o) && isString(o?.id) && isString(o?.alt) && isString(o?.url) && isString(o?.filename);
};
const isPart = (p: unknown): boolean => {
  const o = p as Record<string, unknown> | null;
  return Boolean(o) && isString(o?.text) && Array.isArray(o?.media) && (o.media as unknown[]).every(isMedia);
};

/** The kept draft, or null when there is none or it is unreadable (then it is dropped). */
export function loadDraft(storage: Store | null = store()): ComposerValues | null {
  const raw = storage?.getItem(DRAFT_KEY);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    const ok =
      Array.isArray(v.channelIds) &&
      v.channelIds.every(isString) &&
      Array.isArray(v.parts) &&
      v.parts.length > 0 &&
      v.parts.every(isPart) &&
      isString(v.link) &&
      Array.isArray(v.variants) &&
      v.variants.every((x) => {
        const o = x as Record<string, unknown> | null;
        return Boolean(o) && isString(o?.channelId) && Array.isArray(o?.parts) && (o.parts as unknown[]).every(isPart);
      });
    const values = v as unknown as ComposerValues;
    if (ok && hasContent(values)) return values;
  } catch {
    // Unreadable: fall through and drop it.
  }
  storage?.removeItem(DRAFT_KEY);
  return null;
}

/** Keeps the values (or forgets them when there is nothing in them). Storage full or blocked: nothing kept. */
export function saveDraft(values: ComposerValues, storage: Store | null = store()): void {
  try {
    if (hasContent(values)) storage?.setItem(DRAFT_KEY, JSON.stringify(values));
    else storage?.removeItem(DRAFT_KEY);
  } catch {
    // Quota or privacy mode: the warning before leaving still protects the text.
  }
}

export function clearDraft(storage: Store | null = store()): void {
  try {
    storage?.removeItem(DRAFT_KEY);
  } catch {
    // Nothing to clear.
  }
}
