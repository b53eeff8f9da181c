import { Icon } from "@/components/ui/icons";
import { cn } from "@/lib/cn";
import { PLATFORM_LOGOS } from "./platform-logos";

/** Each platform's brand colour, toned for the light and the dark theme (contrast ≥ 3:1 on the tile). */
const TONES: Readonly<Record<string, string>> = {
  x: "bg-fg/8 text-fg dark:bg-fg/12",
  bluesky: "bg-[#1185fe]/12 text-[#0a6fd8] dark:bg-[#1185fe]/20 dark:text-[#6cb2ff]",
  mastodon: "bg-[#6364ff]/12 text-[#4b3fd9] dark:bg-[#6364ff]/22 dark:text-[#a9a6ff]",
  linkedin: "bg-[#0a66c2]/12 text-[#0a5cad] dark:bg-[#0a66c2]/25 dark:text-[#7cb8f2]",
  reddit: "bg-[#ff4500]/12 text-[#c23700] dark:bg-[#ff4500]/20 dark:text-[#ff9a70]",
  instagram: "bg-[#e1306c]/12 text-[#b0204f] dark:bg-[#e1306c]/22 dark:text-[#f58fb3]",
  threads: "bg-fg/8 text-fg dark:bg-fg/12",
  webhook: "bg-accent-soft text-accent-text",
};

/** The bare mark in the current text colour, e.g. inside a calendar chip. Decorative: say the name beside it. */
export function PlatformLogo({ platform, className }: { platform: string; className?: string }) {
  if (platform === "webhook") return <Icon name="webhook" className={cn("size-4", className)} />;
  const logo = PLATFORM_LOGOS[platform];
  if (!logo) {
    return (
      <span className={cn("inline-flex size-4 items-center justify-center text-[0.6rem] font-bold uppercase", className)} aria-hidden="true">
        {platform.slice(0, 1) || "?"}
      </span>
    );
  }
  return (
    <svg viewBox="0 0 24 24" className={cn("size-4 shrink-0", className)} fill="currentColor" aria-hidden="true" focusable="false" data-platform-logo={platform}>
      <path d={logo.path} fillRule={logo.evenOdd ? "evenodd" : undefined} />
    </svg>
  );
}

/** Decorative platform mark on a tinted tile; the platform's name is always written next to it. */
export function PlatformIcon({ platform, className }: { platform: string; className?: string }) {
  return (
    <span
      className={cn("flex size-10 shrink-0 items-center justify-center rounded-lg", TONES[platform] ?? "bg-subtle text-muted", className)}
      aria-hidden="true"
      data-platform-icon={platform}
    >
      <PlatformLogo platform={platform} className="size-5" />
    </span>
  );
}
