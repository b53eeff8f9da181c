"use client";

import Link from "next/link";
import { createContext, useContext, type DragEvent } from "react";
import { Icon } from "@/components/ui/icons";
import { PlatformLogo } from "@/components/ui/platform-icon";
import { cn } from "@/lib/cn";
import { platformLabel } from "@/lib/platform-names";
import { displayClock, formatDayKey } from "@/lib/zoned-time";
import type { CalendarItem } from "../../lib/calendar";
import { excerpt, postDetailHref, safeHref } from "../../lib/content";
import { stateStyle } from "../../lib/states";

export const DRAG_TYPE = "application/x-letsgrow-target";

/** Preview links of media by id, so a chip can show a small thumbnail of the post's first image. */
export const ChipThumbnails = createContext<ReadonlyMap<string, string>>(new Map());

/**
 * One target on the calendar, in its state's colour. The chip opens the post; a
 * published one with a public URL also links to it on the platform. Scheduled and
 * draft chips can be dragged to another slot (the Reschedule button on the post is
 * the keyboard way).
 */
export function TargetChip({ item, onDragStart, onDragEnd, compact = false }: {
  item: CalendarItem;
  onDragStart?: (item: CalendarItem) => void;
  onDragEnd?: () => void;
  compact?: boolean;
}) {
  const { post, target, wall, day } = item;
  const style = stateStyle(target.state);
  const draggable = Boolean(onDragStart) && (target.state === "scheduled" || target.state === "draft");
  const external = target.state === "published" ? safeHref(target.url) : null;
  const platform = platformLabel(target.platform);
  const handle = target.handle ?? platform;
  const time = displayClock(wall);
  const words = excerpt(post, 60);
  const firstImage = post.content.parts[0]?.media?.[0]?.id;
  const thumb = useContext(ChipThumbnails).get(firstImage ?? "");
  const label = `${formatDayKey(day, { weekday: "short", day: "numeric", month: "short" })} ${time}, ${handle} (${platform}): ${style.label}. ${excerpt(post, 80)}`;

  const start = (event: DragEvent<HTMLDivElement>) => {
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData(DRAG_TYPE, target.id);
    event.dataTransfer.setData("text/plain", target.id);
    onDragStart?.(item);
  };

  return (
    <div
      className={cn(
        "group flex min-w-0 items-stretch rounded-md border text-xs leading-tight shadow-xs",
        style.chip,
        draggable && "cursor-grab active:cursor-grabbing",
      )}
      data-testid="calendar-chip"
      data-state={target.state}
      data-tone={style.tone}
      data-post-id={post.id}
      data-target-id={target.id}
      data-day={day}
      draggable={draggable}
      onDragStart={draggable ? start : undefined}
      onDragEnd={draggable ? onDragEnd : undefined}
    >
      <Link
        href={postDetailHref(post.id)}
        className={cn("flex min-w-0 flex-1 gap-x-1.5 rounded-md px-1.5 py-1", compact ? "items-center" : "flex-wrap items-center")}
        aria-label={label}
        title={label}
        data-testid="chip-link"
        draggable={false}
      >
        <span className={cn("size-1.5 shrink-0 rounded-full", style.dot)} aria-hidden="true" />
        <time className="shrink-0 font-semibold whitespace-nowrap tabular-nums">{time}</time>
        <PlatformLogo platform={target.platform ?? ""} className="size-3.5" />
        {thumb && <img src={thumb} alt="" className="size-5 shrink-0 rounded-sm object-cover" data-testid="chip-thumbnail" />}
        <span className={cn("min-w-0", compact ? "flex-1 truncate" : "line-clamp-2 basis-full break-words")} data-testid="chip-text">
          {words}
        </span>
      </Link>
      {external && (
        <a
          href={external}
          target="_blank"
          rel="noopener noreferrer"
          className="flex shrink-0 items-center rounded-r-md border-l border-current/20 px-1.5 hover:bg-black/5 dark:hover:bg-white/10"
          aria-label={`View on ${platform}: ${handle} at ${time}`}
          data-testid="chip-external-link"
        >
          <Icon name="externalLink" className="size-3.5" />
        </a>
      )}
    </div>
  );
}
