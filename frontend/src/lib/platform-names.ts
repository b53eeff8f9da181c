/** Display names of the platforms, shared by every feature that mentions one. */
export const PLATFORM_NAMES: Readonly<Record<string, string>> = {
  x: "X",
  bluesky: "Bluesky",
  mastodon: "Mastodon",
  linkedin: "LinkedIn",
  reddit: "Reddit",
  instagram: "Instagram",
  threads: "Threads",
  webhook: "Webhook",
};

export function platformLabel(platform: string | null | undefined): string {
  if (!platform) return "Unknown platform";
  return PLATFORM_NAMES[platform] ?? platform;
}
