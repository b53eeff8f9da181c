import type { Channel, PlatformInfo } from "./api/types";

/** A channel as channels_list returns it; override what a test needs. */
export function makeChannel(overrides: Partial<Channel> = {}): Channel {
  return {
    id: "0190a1b2-0000-7000-8000-000000000001",
    platform: "bluesky",
    handle: "alice.bsky.social",
    account_handle: "alice.bsky.social",
    external_id: "did:plc:alice",
    base_url: "https://bsky.social",
    status: "ok",
    status_message: null,
    rate_limited_until: null,
    last_checked_at: "2026-11-27T09:30:00Z",
    consecutive_failures: 0,
    last_error: null,
    last_outcome_at: null,
    created_at: "2026-11-27T09:00:00Z",
    settings: {},
    ...overrides,
  };
}

/** channels_platforms as a server with only LinkedIn and Mastodon configured answers it. */
export function makePlatforms(overrides: Partial<Record<PlatformInfo["platform"], Partial<PlatformInfo>>> = {}): PlatformInfo[] {
  const notConfigured = (name: string, id: string) =>
    `${name} is not configured on this server: set LETSGROW__PLATFORMS__${id}__CLIENT_ID and LETSGROW__PLATFORMS__${id}__CLIENT_SECRET`;
  const list: PlatformInfo[] = [
    { platform: "x", connect: "oauth2_pkce", available: false, reason: notConfigured("X", "X") },
    { platform: "bluesky", connect: "app_password", available: true, reason: null },
    { platform: "mastodon", connect: "instance_oauth2", available: true, reason: null },
    { platform: "linkedin", connect: "oauth2_pkce", available: true, reason: null },
    { platform: "reddit", connect: "oauth2_pkce", available: false, reason: notConfigured("Reddit", "REDDIT") },
    { platform: "instagram", connect: "oauth2_pkce", available: false, reason: notConfigured("Instagram", "INSTAGRAM") },
    { platform: "threads", connect: "oauth2_pkce", available: false, reason: notConfigured("Threads", "THREADS") },
    { platform: "webhook", connect: "webhook", available: true, reason: null },
  ];
  return list.map((p) => ({ ...p, ...overrides[p.platform] }));
}
