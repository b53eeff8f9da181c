import { Icon } from "@/components/ui/icons";
import { cn } from "@/lib/cn";

/** A tinted tile with a short mark: no logos or external assets, just the platform's initials. */
const MONOGRAMS: Readonly<Record<string, { text: string; tone: string; size?: number }>> = {
  x: { text: "X", tone: "bg-fg/8 text-fg dark:bg-fg/12", size: 13 },
  mastodon: { text: "M", tone: "bg-[#6364ff]/12 text-[#4b3fd9] dark:bg-[#6364ff]/22 dark:text-[#a9a6ff]", size: 13 },
  linkedin: { text: "in", tone: "bg-[#0a66c2]/12 text-[#0a5cad] dark:bg-[#0a66c2]/25 dark:text-[#7cb8f2]", size: 12 },
  reddit: { text: "r/", tone: "bg-[#ff4500]/12 text-[#b83200] dark:bg-[#ff4500]/20 dark:text-[#ff9a70]", size: 12 },
  instagram: { text: "Ig", tone: "bg-[#e1306c]/12 text-[#b0204f] dark:bg-[#e1306c]/22 dark:text-[#f58fb3]", size: 12 },
  threads: { text: "@", tone: "bg-fg/8 text-fg dark:bg-fg/12", size: 14 },
};

/** Decorative platform mark; the platform's name is always written next to it. */
export function PlatformIcon({ platform, className }: { platform: string; className?: string }) {
  const box = cn("flex size-10 shrink-0 items-center justify-center rounded-lg", className);
  if (platform === "bluesky") {
    return (
      <span className={cn(box, "bg-[#1185fe]/12 text-[#1185fe] dark:bg-[#1185fe]/20 dark:text-[#6cb2ff]")} aria-hidden="true">
        {/* The Bluesky butterfly (simple-icons, CC0). */}
        <svg viewBox="0 0 24 24" className="size-5" fill="currentColor" focusable="false">
          <path d="M12 10.8c-1.087-2.114-4.046-6.053-6.798-7.995C2.566.944 1.561 1.266.902 1.565.139 1.908 0 3.08 0 3.768c0 .69.378 5.65.624 6.479.815 2.736 3.713 3.66 6.383 3.364.136-.02.275-.039.415-.056-.138.022-.276.04-.415.056-3.912.58-7.387 2.005-2.83 7.078 5.013 5.19 6.87-1.113 7.823-4.308.953 3.195 2.05 9.271 7.733 4.308 4.267-4.308 1.172-6.498-2.74-7.078a8.741 8.741 0 0 1-.415-.056c.14.017.279.036.415.056 2.67.297 5.568-.628 6.383-3.364.246-.828.624-5.79.624-6.478 0-.69-.139-1.861-.902-2.206-.659-.298-1.664-.62-4.3 1.24C16.046 4.748 13.087 8.687 12 10.8Z" />
        </svg>
      </span>
    );
  }
  if (platform === "webhook") {
    return (
      <span className={cn(box, "bg-accent-soft text-accent-text")} aria-hidden="true">
        <Icon name="webhook" className="size-5" />
      </span>
    );
  }
  const mark = MONOGRAMS[platform] ?? { text: platform.slice(0, 2).toUpperCase(), tone: "bg-subtle text-muted", size: 11 };
  return (
    <span className={cn(box, mark.tone)} aria-hidden="true" data-platform-icon={platform}>
      <svg viewBox="0 0 24 24" className="size-6" focusable="false">
        <text
          x="12"
          y="12.5"
          textAnchor="middle"
          dominantBaseline="central"
          fill="currentColor"
          fontSize={mark.size ?? 12}
          fontWeight={700}
        >
          {mark.text}
        </text>
      </svg>
    </span>
  );
}
