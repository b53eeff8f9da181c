import type { Channel } from "./api/types";

/** A channel as channels_list returns it; override what a test needs. */
export function makeChannel(overrides: Partial<Channel> = {}): Channel {
  return {
    id: "0190a1b2-0000-7000-8000-000000000001",
    platform: "bluesky",
    handle: "alice.bsky.social",
    external_id: "did:plc:alice",
    base_url: "https://bsky.social",
    status: "ok",
    status_message: null,
    rate_limited_until: null,
    last_checked_at: "2026-11-27T09:30:00Z",
    created_at: "2026-11-27T09:00:00Z",
    settings: {},
    ...overrides,
  };
}
