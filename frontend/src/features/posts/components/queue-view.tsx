"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import toast from "react-hot-toast";
import { errorMessage } from "@/api/errors";
import { Button, buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { SelectField } from "@/components/ui/field";
import { Icon } from "@/components/ui/icons";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { PlatformIcon } from "@/components/ui/platform-icon";
import { PageLoader } from "@/components/ui/spinner";
import { platformLabel } from "@/lib/platform-names";
import { formatInZone, timeOfDay } from "@/lib/zoned-time";
import { downloadExport } from "../api/csv";
import { usePosts } from "../api/list-posts";
import { isTargetState, TARGET_STATES, type ChannelInfo, type Post, type PostFilters } from "../api/types";
import { excerpt, postDetailHref, postTime } from "../lib/content";
import { anyMoving, STATE_STYLES } from "../lib/states";
import { ImportDialog } from "./import-dialog";
import { PostActions } from "./post-actions";
import { StateBadge } from "./state-badge";

/** Scheduled first (soonest first), then everything else newest first, drafts last. */
function sortForQueue(posts: readonly Post[]): Post[] {
  const time = (p: Post) => Date.parse(postTime(p) ?? "");
  return [...posts].sort((a, b) => {
    const ta = time(a);
    const tb = time(b);
    if (Number.isNaN(ta) !== Number.isNaN(tb)) return Number.isNaN(ta) ? 1 : -1;
    return (ta || 0) - (tb || 0) || a.id.localeCompare(b.id);
  });
}

/**
 * Every post with its channels and states, filtered by channel and state through the
 * URL (?channel_id=&state=), with the actions each allows and CSV import and export.
 */
export function QueueView({ channels, timezone }: { channels: readonly ChannelInfo[]; timezone: string }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const channelId = params.get("channel_id") ?? "";
  const stateParam = params.get("state") ?? "";
  const state = isTargetState(stateParam) ? stateParam : "";
  const filters: PostFilters = { limit: 500, ...(channelId ? { channel_id: channelId } : {}), ...(state ? { state } : {}) };
  const posts = usePosts(filters, { pollWhile: anyMoving });
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const list = sortForQueue(posts.data ?? []);
  const filtered = Boolean(channelId || state);

  const setFilter = (name: "channel_id" | "state", value: string) => {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(name, value);
    else next.delete(name);
    const query = next.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  const exportCsv = async () => {
    setExporting(true);
    try {
      await downloadExport();
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
        description="Your posts in the order they go out, with each channel's state."
        actions={
          <>
            <Button variant="secondary" onClick={() => setImporting(true)}>
              <Icon name="upload" className="size-4" />
              Import CSV
            </Button>
            <Button variant="secondary" onClick={exportCsv} loading={exporting}>
              {!exporting && <Icon name="download" className="size-4" />}
              Export CSV
            </Button>
          </>
        }
      />

      <form className="mb-5 grid gap-3 sm:grid-cols-2 lg:max-w-2xl" aria-label="Filter posts" onSubmit={(e) => e.preventDefault()}>
        <SelectField label="Channel" value={channelId} onChange={(e) => setFilter("channel_id", e.target.value)}>
          <option value="">All channels</option>
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.handle} ({platformLabel(c.platform)})
            </option>
          ))}
        </SelectField>
        <SelectField label="State" value={state} onChange={(e) => setFilter("state", e.target.value)}>
          <option value="">All states</option>
          {TARGET_STATES.map((s) => (
            <option key={s} value={s}>
              {STATE_STYLES[s].label}
            </option>
          ))}
        </SelectField>
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
          title={filtered ? "No posts match these filters" : "Nothing in the queue yet"}
          footer={
            filtered ? (
              <Button variant="secondary" onClick={() => router.replace(pathname)}>
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
            ? "Try another channel or state."
            : "Posts you schedule, queue, save as drafts or import from CSV line up here with the state of each channel."}
        </EmptyState>
      ) : (
        <section aria-labelledby="queue-heading">
          <h2 id="queue-heading" className="mb-3 text-sm font-medium text-muted">
            {list.length === 1 ? "1 post" : `${list.length} posts`}
            {filtered ? " matching the filters" : ""}
          </h2>
          <ul className="space-y-3" data-testid="queue-list">
            {list.map((post) => (
              <QueueRow key={post.id} post={post} timezone={timezone} />
            ))}
          </ul>
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
