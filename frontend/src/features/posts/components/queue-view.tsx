"use client";

import Link from "next/link";
import { useState } from "react";
import toast from "react-hot-toast";
import { errorMessage } from "@/api/errors";
import { Button, buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { SelectField, TextField } from "@/components/ui/field";
import { Icon } from "@/components/ui/icons";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { PlatformIcon } from "@/components/ui/platform-icon";
import { PageLoader } from "@/components/ui/spinner";
import { cn } from "@/lib/cn";
import { platformLabel } from "@/lib/platform-names";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { useUrlQuery } from "@/lib/use-url-query";
import { formatInZone, timeOfDay } from "@/lib/zoned-time";
import { downloadExport } from "../api/csv";
import { usePosts } from "../api/list-posts";
import type { ChannelInfo, Post, PostFilters } from "../api/types";
import { excerpt, postDetailHref, postTime } from "../lib/content";
import { exportSelection, exportSummary, QUEUE_TABS, queueList, rangeFilters, tabCounts, tabFromParams, validDay } from "../lib/queue";
import { anyMoving } from "../lib/states";
import { ImportDialog } from "./import-dialog";
import { PostActions } from "./post-actions";
import { StateBadge } from "./state-badge";

/**
 * Every post in four tabs (Queued, Sent, Failed, Drafts), filtered by channel and a
 * date range through the list API and by search text here, with the actions each
 * post allows and CSV import and export. Tab, channel and dates live in the URL.
 */
export function QueueView({ channels, timezone }: { channels: readonly ChannelInfo[]; timezone: string }) {
  // The filters as this page holds them, written to the URL from here: the URL lags a
  // render behind, and two quick changes (From, then To) must both stay.
  const { query: params, update, hrefWith } = useUrlQuery();
  const channelId = params.get("channel_id") ?? "";
  const tab = tabFromParams(params);
  const fromDay = validDay(params.get("from"));
  const toDay = validDay(params.get("to"));
  const [search, setSearch] = useState("");
  const query = useDebouncedValue(search, 150);
  const filters: PostFilters = { limit: 1000, ...(channelId ? { channel_id: channelId } : {}), ...rangeFilters(fromDay, toDay, timezone) };
  const posts = usePosts(filters, { pollWhile: anyMoving });
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const all = posts.data ?? [];
  const list = queueList(all, tab, query);
  const counts = tabCounts(all, query);
  const current = QUEUE_TABS.find((t) => t.id === tab) ?? QUEUE_TABS[0]!;
  const filtered = Boolean(channelId || fromDay || toDay || query.trim());

  /** A tab's value in the URL: none for Queued, the default. */
  const tabValue = (id: string) => (id === "queued" ? "" : id);
  const setFilter = (name: "channel_id" | "from" | "to", value: string) => update({ [name]: value }, ["state"]);
  const clearFilters = () => {
    setSearch("");
    update({ channel_id: "", from: "", to: "" }, ["state"]);
  };

  const exportCsv = async () => {
    setExporting(true);
    try {
      await downloadExport(exportSelection(list, tab, channelId), current.id);
    } catch (e) {
      toast.error(errorMessage(e));
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Queue"
        description="Your posts by what happens to them next, with each channel's state."
        actions={
          <>
            <Button variant="secondary" onClick={() => setImporting(true)}>
              <Icon name="upload" className="size-4" />
              Import CSV
            </Button>
            <Button
              variant="secondary"
              onClick={exportCsv}
              loading={exporting}
              disabled={!posts.data || list.length === 0}
              aria-describedby="queue-export-summary"
            >
              {!exporting && <Icon name="download" className="size-4" />}
              Export CSV
            </Button>
          </>
        }
      />

      {posts.data && (
        <p id="queue-export-summary" className="-mt-2 mb-3 text-sm text-muted" data-testid="export-summary">
          {exportSummary(list.length, current.label, filtered)}
        </p>
      )}

      <nav aria-label="Queue sections" className="mb-4 overflow-x-auto border-b border-line">
        <ul className="flex gap-1">
          {QUEUE_TABS.map((t) => (
            <li key={t.id}>
              <Link
                href={hrefWith({ tab: tabValue(t.id) }, ["state"])}
                scroll={false}
                replace
                aria-current={t.id === tab ? "page" : undefined}
                data-testid="queue-tab"
                data-tab={t.id}
                className={cn(
                  "-mb-px inline-flex items-center gap-2 border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap",
                  t.id === tab ? "border-accent text-fg" : "border-transparent text-muted hover:border-line hover:text-fg",
                )}
              >
                {t.label}
                {posts.data && (
                  <span className="rounded-full bg-subtle px-1.5 text-xs text-muted tabular-nums" aria-label={`${counts[t.id]} posts`}>
                    {counts[t.id]}
                  </span>
                )}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <form className="mb-5 grid gap-3 sm:grid-cols-2 lg:grid-cols-4" aria-label="Filter posts" role="search" onSubmit={(e) => e.preventDefault()}>
        <TextField label="Search" type="search" value={search} placeholder="Text or channel" onChange={(e) => setSearch(e.target.value)} />
        <SelectField label="Channel" value={channelId} onChange={(e) => setFilter("channel_id", e.target.value)}>
          <option value="">All channels</option>
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.handle} ({platformLabel(c.platform)})
            </option>
          ))}
        </SelectField>
        <TextField label="From" type="date" value={fromDay ?? ""} max={toDay ?? undefined} onChange={(e) => setFilter("from", e.target.value)} />
        <TextField label="To" type="date" value={toDay ?? ""} min={fromDay ?? undefined} onChange={(e) => setFilter("to", e.target.value)} />
      </form>

      {posts.isPending ? (
        <PageLoader label="Loading posts…" />
      ) : posts.isError ? (
        <Notice tone="error">
          <p>{errorMessage(posts.error)}</p>
        </Notice>
      ) : list.length === 0 ? (
        <EmptyState
          icon="queue"
          status={null}
          title={filtered ? `No ${current.label.toLowerCase()} posts match these filters` : all.length === 0 ? "Nothing in the queue yet" : current.empty}
          footer={
            filtered ? (
              <Button variant="secondary" onClick={clearFilters}>
                Clear filters
              </Button>
            ) : (
              <Link href="/compose/" className={buttonClasses("primary")}>
                <Icon name="plus" className="size-4" />
                Write a post
              </Link>
            )
          }
        >
          {filtered
            ? "Try other words, another channel or other dates, or look in another tab."
            : all.length === 0
              ? "Posts you schedule, queue, save as drafts or import from CSV line up here with the state of each channel."
              : "Other tabs have posts."}
        </EmptyState>
      ) : (
        <section aria-labelledby="queue-heading">
          <h2 id="queue-heading" className="mb-3 text-sm font-medium text-muted">
            {current.label}: {list.length === 1 ? "1 post" : `${list.length} posts`}
            {filtered ? " matching the filters" : ""}
          </h2>
          <ul className="space-y-3" data-testid="queue-list">
            {list.map((post) => (
              <QueueRow key={post.id} post={post} timezone={timezone} />
            ))}
          </ul>
          {all.length >= 1000 && (
            <p className="mt-3 text-sm text-muted">Showing the first 1,000 posts. Pick a date range to see the others.</p>
          )}
        </section>
      )}

      <ImportDialog open={importing} onClose={() => setImporting(false)} />
    </>
  );
}

function QueueRow({ post, timezone }: { post: Post; timezone: string }) {
  const at = postTime(post);
  const text = excerpt(post);
  const headingId = `queue-${post.id}`;
  return (
    <li aria-labelledby={headingId} className="rounded-xl border border-line bg-surface shadow-xs" data-testid="queue-row" data-post-id={post.id}>
      <div className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:gap-4 sm:px-5">
        <div className="shrink-0 sm:w-40">
          {at ? (
            <time dateTime={at} className="text-sm font-semibold text-fg">
              {formatInZone(at, timezone, { weekday: "short", day: "numeric", month: "short", ...timeOfDay() })}
            </time>
          ) : (
            <span className="text-sm font-medium text-muted">No time set</span>
          )}
          {post.content.parts.length > 1 && <p className="text-xs text-muted">Thread · {post.content.parts.length} parts</p>}
        </div>
        <div className="min-w-0 flex-1 space-y-2">
          <h3 id={headingId} className="text-sm break-words text-fg">
            {text}
          </h3>
          <ul className="flex flex-wrap gap-x-4 gap-y-1.5" aria-label="Channels">
            {post.targets.map((t) => (
              <li key={t.id} className="flex min-w-0 items-center gap-2 text-sm text-fg">
                <PlatformIcon platform={t.platform ?? ""} className="size-6 rounded-md [&_svg]:size-4" />
                <span className="break-all">{t.handle ?? "Disconnected channel"}</span>
                <StateBadge state={t.state} prefix={`${t.handle ?? "channel"}: `} />
              </li>
            ))}
          </ul>
        </div>
      </div>
      <div className="flex flex-wrap items-center justify-end gap-2 rounded-b-xl border-t border-line bg-subtle/60 px-4 py-2 sm:px-5">
        <Link href={postDetailHref(post.id)} className={buttonClasses("ghost", "sm", "mr-auto")} aria-label={`Details of “${excerpt(post, 40)}”`}>
          Details
          <Icon name="arrowRight" className="size-4" />
        </Link>
        <PostActions post={post} timezone={timezone} label={`“${excerpt(post, 40)}”`} />
      </div>
    </li>
  );
}
