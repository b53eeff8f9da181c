"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { errorMessage } from "@/api/errors";
import { buttonClasses } from "@/components/ui/button";
import { Icon } from "@/components/ui/icons";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/cn";
import { clock, formatDayKey, localString, parseDayKey, todayIn, type DayKey } from "@/lib/zoned-time";
import { useCalendarStore, type CalendarViewMode } from "@/stores/calendar";
import { useMediaLibrary } from "../../api/media";
import { usePosts } from "../../api/list-posts";
import type { Post } from "../../api/types";
import { dropTarget, placeTargets, shiftAnchor, visibleDays, visibleRange, type CalendarItem } from "../../lib/calendar";
import { postDetailHref } from "../../lib/content";
import { isMoving, STATE_STYLES } from "../../lib/states";
import { RescheduleDialog } from "../reschedule-dialog";
import { DayList } from "./day-list";
import { MonthGrid } from "./month-grid";
import { ChipThumbnails } from "./target-chip";
import { WeekGrid } from "./week-grid";

interface Pending {
  post: Post;
  local: string;
}

function rangeTitle(view: CalendarViewMode, days: DayKey[], anchor: DayKey): string {
  if (view === "month") return formatDayKey(anchor, { month: "long", year: "numeric" });
  const noon = (key: DayKey) => {
    const { year, month, day } = parseDayKey(key);
    return new Date(Date.UTC(year, month - 1, day, 12));
  };
  // Wall dates, so formatted as UTC: "Mar 2 – 8, 2026" (the locale decides the shape).
  const format = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  return format.formatRange(noon(days[0] ?? anchor), noon(days[days.length - 1] ?? anchor));
}

/**
 * Week and month views of every target in the user's zone, coloured by state.
 * Polls every 5 s while something visible is scheduled, publishing or unconfirmed, so
 * a post turns green by itself. Dragging a scheduled chip asks for confirmation
 * (with schedule_resolve's reading of the new time) before moving the post.
 */
export function CalendarView({ timezone }: { timezone: string }) {
  const view = useCalendarStore((s) => s.view);
  const chosen = useCalendarStore((s) => s.chosen);
  const setView = useCalendarStore((s) => s.setView);
  const router = useRouter();
  // A phone-width screen can't show seven readable columns: start on the list (until the user picks a view).
  useEffect(() => {
    if (!chosen && view === "week" && window.matchMedia?.("(max-width: 639px)").matches) setView("list", false);
  }, [chosen, view, setView]);
  const storedAnchor = useCalendarStore((s) => s.anchor);
  const setAnchor = useCalendarStore((s) => s.setAnchor);
  const today = todayIn(timezone);
  const anchor = storedAnchor ?? today;
  const days = useMemo(() => visibleDays(view, anchor), [view, anchor]);
  const range = useMemo(() => visibleRange(view, anchor, timezone), [view, anchor, timezone]);
  const from = range.from.toISOString();
  const to = range.to.toISOString();
  const visible = (post: Post) =>
    post.targets.some((t) => {
      const at = Date.parse(t.scheduled_at ?? t.published_at ?? "");
      return isMoving(t) && (Number.isNaN(at) || (at >= range.from.getTime() && at < range.to.getTime()));
    });
  const posts = usePosts({ from, to, limit: 1000 }, { pollWhile: (list) => list.some(visible) });
  const placed = useMemo(() => placeTargets(posts.data ?? [], timezone), [posts.data, timezone]);
  const media = useMediaLibrary(Boolean(posts.data?.some((p) => p.content.parts[0]?.media?.length)));
  const thumbnails = useMemo(() => new Map((media.data ?? []).map((m) => [m.id, m.url])), [media.data]);
  const composeHref = (day: DayKey, hour = 9) => `/compose/?at=${encodeURIComponent(`${day}T${clock({ hour, minute: 0 })}`)}`;
  const daySet = new Set(days);
  const byDay = new Map([...placed.byDay].filter(([day]) => daySet.has(day)));
  const drafts = placed.unscheduled.filter((u) => u.target.state === "draft");
  const count = [...byDay.values()].reduce((n, list) => n + list.length, 0);

  const [dragging, setDragging] = useState<CalendarItem | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);

  const drop = (day: DayKey, hour?: number) => {
    const item = dragging;
    setDragging(null);
    if (!item) return;
    const wall = dropTarget(item, day, hour);
    if (localString(wall) === localString(item.wall)) return;
    setPending({ post: item.post, local: localString(wall) });
  };

  const title = rangeTitle(view, days, anchor);

  return (
    <>
      <PageHeader
        title="Calendar"
        description={
          <>
            Every post by the day and time it goes out, in your time zone (<strong className="font-medium text-fg">{timezone.replaceAll("_", " ")}</strong>).
          </>
        }
        actions={
          <Link href="/compose/" className={buttonClasses("primary")}>
            <Icon name="plus" className="size-4" />
            New post
          </Link>
        }
      />

      <div className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <div className="flex items-center gap-2">
          <div className="flex rounded-lg border border-line bg-surface shadow-xs">
            <button
              type="button"
              className="inline-flex size-9 items-center justify-center rounded-l-lg text-fg hover:bg-subtle"
              onClick={() => setAnchor(shiftAnchor(view, anchor, -1))}
              aria-label={view === "month" ? "Previous month" : "Previous week"}
            >
              <Icon name="chevronLeft" className="size-4" />
            </button>
            <button
              type="button"
              className="border-x border-line px-3 text-sm font-medium text-fg hover:bg-subtle"
              onClick={() => setAnchor(null)}
            >
              Today
            </button>
            <button
              type="button"
              className="inline-flex size-9 items-center justify-center rounded-r-lg text-fg hover:bg-subtle"
              onClick={() => setAnchor(shiftAnchor(view, anchor, 1))}
              aria-label={view === "month" ? "Next month" : "Next week"}
            >
              <Icon name="chevronRight" className="size-4" />
            </button>
          </div>
          <h2 className="text-lg font-semibold text-fg" aria-live="polite" data-testid="calendar-title">
            {title}
          </h2>
          {posts.isFetching && <Spinner className="size-4 text-muted" />}
        </div>
        <div className="flex self-start rounded-lg border border-line bg-surface p-0.5 shadow-xs" role="group" aria-label="Calendar view">
          {(["week", "month", "list"] as const).map((v) => (
            <button
              key={v}
              type="button"
              aria-pressed={view === v}
              onClick={() => setView(v)}
              className={cn(
                "rounded-md px-3 py-1.5 text-sm font-medium",
                view === v ? "bg-accent text-on-accent" : "text-fg hover:bg-subtle",
              )}
            >
              {v === "week" ? "Week" : v === "month" ? "Month" : "List"}
            </button>
          ))}
        </div>
      </div>

      {/* A legend, not a filter: plain dots and words, nothing that looks pressable. */}
      <div className="mb-4 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted" data-testid="calendar-legend">
        <span className="font-medium">Colours:</span>
        <ul className="contents" aria-label="What the colours mean">
          {Object.values(STATE_STYLES).map((style) => (
            <li key={style.label} className="inline-flex items-center gap-1.5">
              <span className={cn("size-2 rounded-full", style.dot)} aria-hidden="true" />
              {style.label}
            </li>
          ))}
        </ul>
      </div>

      {posts.isError && (
        <Notice tone="error" className="mb-4">
          <p>{errorMessage(posts.error)}</p>
        </Notice>
      )}
      <p className="sr-only" aria-live="polite">
        {posts.isPending ? "Loading posts…" : `${count} post${count === 1 ? "" : "s"} in view.`}
      </p>

      <ChipThumbnails value={thumbnails}>
      {view === "list" ? (
        <DayList label={`Week of ${title}`} days={days} today={today} byDay={byDay} composeHref={(day) => composeHref(day)} />
      ) : view === "week" ? (
        <WeekGrid
          label={`Week of ${title}`}
          ready={posts.isSuccess && !posts.isPlaceholderData}
          days={days}
          today={today}
          byDay={byDay}
          dragging={dragging}
          onDragStart={setDragging}
          onDragEnd={() => setDragging(null)}
          onDrop={drop}
          onCompose={(day, hour) => router.push(composeHref(day, hour))}
        />
      ) : (
        <MonthGrid
          label={title}
          days={days}
          month={parseDayKey(anchor).month}
          today={today}
          byDay={byDay}
          dragging={dragging}
          onDragStart={setDragging}
          onDragEnd={() => setDragging(null)}
          onDrop={(day) => drop(day)}
          onShowDay={(day) => {
            setAnchor(day);
            setView("week");
          }}
        />
      )}
      </ChipThumbnails>

      <p className="mt-3 text-sm text-muted">
        {view === "list"
          ? "Open a post to change its time. Use Post next to a day to write one for that day."
          : view === "week"
            ? "Click an empty slot to write a post for that time. Drag a scheduled post to another slot to move it, or open it and use Reschedule."
            : "Drag a scheduled post to another day to move it, or open it and use Reschedule."}
      </p>

      {drafts.length > 0 && (
        <section aria-labelledby="calendar-drafts" className="mt-6">
          <h2 id="calendar-drafts" className="mb-2 text-sm font-semibold text-fg">
            Drafts without a time ({drafts.length})
          </h2>
          <ul className="flex flex-wrap gap-2">
            {drafts.map(({ post, target }) => (
              <li key={target.id}>
                <Link
                  href={postDetailHref(post.id)}
                  className={cn("inline-flex items-center gap-1.5 rounded-md border px-2 py-1 text-xs", STATE_STYLES.draft.chip)}
                >
                  {target.handle ?? "Draft"}: {post.content.parts[0]?.text.slice(0, 40) || "(no text)"}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}

      <RescheduleDialog
        post={pending?.post ?? null}
        open={pending !== null}
        initialLocal={pending?.local}
        timezone={timezone}
        onClose={() => setPending(null)}
      />
    </>
  );
}

