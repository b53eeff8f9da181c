import type { Platform } from "../api/types";

export interface PlatformInfo {
  id: Platform;
  name: string;
  /** Whether this build can connect it. */
  available: boolean;
  /** One line for the platform chooser. */
  blurb: string;
}

/** Every platform LetsGrow is built for, connectable ones first. */
export const PLATFORMS: readonly PlatformInfo[] = [
  { id: "bluesky", name: "Bluesky", available: true, blurb: "Sign in with a handle and an app password." },
  { id: "webhook", name: "Webhook", available: true, blurb: "Send posts to Discord, Slack, n8n or your own endpoint." },
  { id: "x", name: "X", available: false, blurb: "" },
  { id: "mastodon", name: "Mastodon", available: false, blurb: "" },
  { id: "linkedin", name: "LinkedIn", available: false, blurb: "" },
  { id: "reddit", name: "Reddit", available: false, blurb: "" },
  { id: "instagram", name: "Instagram", available: false, blurb: "" },
  { id: "threads", name: "Threads", available: false, blurb: "" },
];

export function platformName(platform: string): string {
  return PLATFORMS.find((p) => p.id === platform)?.name ?? platform;
}

export const FORMAT_LABELS: Readonly<Record<string, string>> = {
  generic: "Generic JSON",
  discord: "Discord",
  slack: "Slack",
};

/** "Bluesky", or "Webhook · Discord" for a webhook with a known format. */
export function channelKind(platform: string, settings: Record<string, unknown>): string {
  const name = platformName(platform);
  const format = typeof settings.format === "string" ? FORMAT_LABELS[settings.format] : undefined;
  return platform === "webhook" && format ? `${name} · ${format}` : name;
}
