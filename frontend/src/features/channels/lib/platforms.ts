import type { ConnectMethod, Platform, PlatformInfo } from "../api/types";
import { sentence } from "./health";

export interface PlatformMeta {
  id: Platform;
  name: string;
  /** One line for the platform chooser. */
  blurb: string;
}

/** Every platform LetsGrow is built for, in the order the chooser lists them. */
export const PLATFORMS: readonly PlatformMeta[] = [
  { id: "bluesky", name: "Bluesky", blurb: "Sign in with a handle and an app password." },
  { id: "mastodon", name: "Mastodon", blurb: "Approve LetsGrow on your Mastodon server." },
  { id: "x", name: "X", blurb: "Approve LetsGrow on X." },
  { id: "linkedin", name: "LinkedIn", blurb: "Approve LetsGrow on LinkedIn." },
  { id: "reddit", name: "Reddit", blurb: "Approve LetsGrow on Reddit." },
  { id: "instagram", name: "Instagram", blurb: "Approve LetsGrow on Instagram (a professional account)." },
  { id: "threads", name: "Threads", blurb: "Approve LetsGrow on Threads." },
  { id: "webhook", name: "Webhook", blurb: "Send posts to Discord, Slack, n8n or your own endpoint." },
];

export function platformName(platform: string): string {
  return PLATFORMS.find((p) => p.id === platform)?.name ?? platform;
}

const METHODS: readonly string[] = ["app_password", "oauth2_pkce", "instance_oauth2", "webhook"] satisfies ConnectMethod[];

function isConnectMethod(value: string): value is ConnectMethod {
  return METHODS.includes(value);
}

/** A platform as the connect panel offers it: what it is, how it connects, whether it can. */
export interface ConnectOption extends PlatformMeta {
  connect: ConnectMethod;
  available: boolean;
  /** Why it can't be connected (the server's words, as a sentence), when `available` is false. */
  reason: string | null;
}

/**
 * The server's platform list in the chooser's order, connectable ones first. Platforms
 * this UI doesn't know, or with a connect method it can't drive, are left out.
 */
export function connectOptions(server: readonly PlatformInfo[]): ConnectOption[] {
  const options: ConnectOption[] = [];
  for (const meta of PLATFORMS) {
    const info = server.find((p) => p.platform === meta.id);
    if (!info || !isConnectMethod(info.connect)) continue;
    options.push({
      ...meta,
      connect: info.connect,
      available: info.available,
      reason: !info.available && info.reason?.trim() ? sentence(info.reason) : null,
    });
  }
  return [...options.filter((o) => o.available), ...options.filter((o) => !o.available)];
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
