import { PlatformIcon } from "@/components/ui/platform-icon";
import { cn } from "@/lib/cn";
import { platformLabel } from "@/lib/platform-names";
import type { ChannelInfo } from "../../api/types";
import type { MediaItem, PartValues } from "../../schemas";
import { HighlightedText } from "../highlighted-text";

/** Each platform's colour for hashtags, mentions and links (AA contrast on the card). */
const ACCENTS: Readonly<Record<string, string>> = {
  bluesky: "text-[#0560d4] dark:text-[#6cb2ff]",
  x: "text-[#0b6bb0] dark:text-[#5cb8f5]",
  mastodon: "text-[#4b3fd9] dark:text-[#a9a6ff]",
  linkedin: "text-[#0a5cad] dark:text-[#7cb8f2]",
  threads: "text-[#0a5cad] dark:text-[#7cb8f2]",
  instagram: "text-[#00376b] dark:text-[#9fd1ff]",
  reddit: "text-[#0a5cad] dark:text-[#7cb8f2]",
  webhook: "text-accent-text",
};

function hostOf(link: string): string {
  try {
    return new URL(link).hostname;
  } catch {
    return link;
  }
}

function ImageGrid({ media }: { media: MediaItem[] }) {
  const shown = media.slice(0, 4);
  if (shown.length === 0) return null;
  return (
    <div
      className={cn("mt-2 grid gap-0.5 overflow-hidden rounded-xl border border-line", shown.length > 1 && "grid-cols-2")}
      data-testid="preview-images"
    >
      {shown.map((m, i) => (
        <div
          key={m.id}
          className={cn(
            "bg-subtle",
            shown.length === 1 ? "aspect-video" : "aspect-square",
            shown.length === 3 && i === 0 && "row-span-2 aspect-auto",
          )}
        >
          {m.url ? (
            // Signed preview links from the media library; next/image can't optimise a static export.
            <img src={m.url} alt={m.alt} className="size-full object-cover" />
          ) : (
            <span className="flex size-full items-center justify-center text-xs text-muted">{m.filename}</span>
          )}
        </div>
      ))}
    </div>
  );
}

/** How the post will roughly look on the channel's platform: avatar, handle, highlighted text, images, thread. */
export function PlatformPreview({ channel, parts, link }: { channel: ChannelInfo; parts: PartValues[]; link: string }) {
  const platform = platformLabel(channel.platform);
  const accent = ACCENTS[channel.platform] ?? "text-accent-text";
  const initial = (channel.handle.replace(/^@/, "").charAt(0) || "?").toUpperCase();
  // A webhook has no profile: its name is the endpoint; elsewhere the handle's first label.
  const name = channel.platform === "webhook" ? channel.handle : (channel.handle.replace(/^@/, "").split(/[.@ ]/).find(Boolean) ?? channel.handle);
  const cleanLink = link.trim();

  return (
    <article
      className="overflow-hidden rounded-xl border border-line bg-surface shadow-xs"
      aria-label={`Preview on ${platform} as ${channel.handle}`}
      data-testid="preview-card"
      data-platform={channel.platform}
    >
      <div className="flex items-center gap-2 border-b border-line bg-subtle/60 px-3 py-2 text-xs font-medium text-muted">
        <PlatformIcon platform={channel.platform} className="size-5 rounded [&_svg]:size-3.5" />
        {platform} preview
        {channel.platform === "webhook" && <span className="font-normal">· sent as JSON</span>}
      </div>
      <ol className="px-3 py-3">
        {parts.map((part, i) => (
          <li key={i} className="flex gap-2.5">
            <div className="flex flex-col items-center">
              <span
                className="flex size-9 shrink-0 items-center justify-center rounded-full bg-accent-soft text-sm font-semibold text-accent-text"
                aria-hidden="true"
              >
                {initial}
              </span>
              {i < parts.length - 1 && <span className="my-1 w-0.5 flex-1 rounded bg-line" aria-hidden="true" />}
            </div>
            <div className={cn("min-w-0 flex-1", i < parts.length - 1 && "pb-4")}>
              <p className="flex min-w-0 items-baseline gap-1 text-sm">
                <span className="truncate font-semibold text-fg">{name}</span>
                <span className="truncate text-muted">
                  {channel.platform === "webhook" ? "" : `@${channel.handle.replace(/^@/, "")} · `}now
                </span>
              </p>
              {part.text.trim() ? (
                <p className="mt-0.5 text-sm break-words whitespace-pre-wrap text-fg">
                  <HighlightedText text={part.text} accent={accent} />
                </p>
              ) : (
                part.media.length === 0 && <p className="mt-0.5 text-sm text-muted italic">Nothing written yet</p>
              )}
              <ImageGrid media={part.media} />
              {i === 0 && cleanLink && (
                <div className="mt-2 rounded-xl border border-line px-3 py-2 text-xs">
                  <p className="text-muted">{hostOf(cleanLink)}</p>
                  <p className={cn("truncate font-medium", accent)}>{cleanLink}</p>
                </div>
              )}
            </div>
          </li>
        ))}
      </ol>
    </article>
  );
}
