import type { ChannelInfo, ImportResult, Post, PostTarget, ResolvedTime } from "./api/types";

export const BLUESKY: ChannelInfo = {
  id: "0190a1b2-0000-7000-8000-000000000001",
  platform: "bluesky",
  handle: "alice.bsky.social",
  status: "ok",
  paused_at: null,
  settings: {},
};

export const WEBHOOK: ChannelInfo = {
  id: "0190a1b2-0000-7000-8000-000000000002",
  platform: "webhook",
  handle: "127.0.0.1 (generic)",
  status: "ok",
  paused_at: null,
  settings: { format: "generic" },
};

/** A target as posts_get returns it; override what a test needs. */
export function makeTarget(overrides: Partial<PostTarget> = {}): PostTarget {
  return {
    id: "tgt-1",
    channel_id: BLUESKY.id,
    platform: "bluesky",
    handle: BLUESKY.handle,
    state: "scheduled",
    attempts: 0,
    scheduled_at: "2026-12-01T09:00:00Z",
    published_at: null,
    next_attempt_at: null,
    url: null,
    error: null,
    parts: [],
    history: [],
    variant: null,
    ...overrides,
  };
}

export function makePost(overrides: Partial<Post> = {}): Post {
  return {
    id: "post-1",
    content: { parts: [{ text: "Hello #letsgrow https://example.com", media: [] }], link: null },
    timezone: "Europe/Berlin",
    local_time: null,
    source: "composer",
    created_at: "2026-11-27T09:00:00Z",
    updated_at: "2026-11-27T09:00:00Z",
    schedule_note: null,
    targets: [makeTarget()],
    ...overrides,
  };
}

export function makeResolved(overrides: Partial<ResolvedTime> = {}): ResolvedTime {
  return {
    kind: "exact",
    utc: "2027-03-27T09:00:00Z",
    later: null,
    shifted_by_minutes: null,
    timezone: "Europe/Berlin",
    message: "2027-03-27 10:00 CET",
    ...overrides,
  };
}

/** 200 rows checked, rows 5, 17 and 42 bad, nothing committed. */
export function makeImportReport(overrides: Partial<ImportResult> = {}): ImportResult {
  const bad: Record<number, { code: string; field: string; message: string }> = {
    5: { code: "unknown_channel", field: "channel", message: "no channel named nobody.example" },
    17: { code: "invalid_time", field: "scheduled_at", message: "\"next tuesday\" is not a time" },
    42: { code: "empty_text", field: "text", message: "the text is empty" },
  };
  const rows = Array.from({ length: 200 }, (_, i) => {
    const row = i + 2;
    const b = bad[row];
    return b ? { row, ok: false, ...b, post_id: null, note: null } : { row, ok: true, code: null, field: null, message: null, post_id: null, note: null };
  });
  return { committed: false, posts_created: 0, rows_ok: 197, rows_failed: 3, rows, ...overrides };
}
