"use client";

import Link from "next/link";
import toast from "react-hot-toast";
import { ApiError, errorMessage } from "@/api/errors";
import { Button, buttonClasses } from "@/components/ui/button";
import { Icon } from "@/components/ui/icons";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { PlatformIcon } from "@/components/ui/platform-icon";
import { PageLoader } from "@/components/ui/spinner";
import { platformLabel } from "@/lib/platform-names";
import { formatInZone, localizeInstants, timeOfDay } from "@/lib/zoned-time";
import { usePost } from "../api/get-post";
import { useMediaLibrary } from "../api/media";
import { usePublishPost } from "../api/publish-post";
import type { Post, PostTarget } from "../api/types";
import { safeHref } from "../lib/content";
import { apiErrorSentences } from "../lib/errors";
import { isMoving, postActions, stateStyle } from "../lib/states";
import { HighlightedText } from "./highlighted-text";
import { PostActions } from "./post-actions";
import { StateBadge } from "./state-badge";

function hasActions(post: Post): boolean {
  const a = postActions(post);
  return a.edit || a.reschedule || a.cancel || a.publishNow || a.failed.length > 0;
}

const SOURCES: Record<string, string> = { composer: "the composer", csv: "a CSV import", api: "the API" };

/** One post: its content, each channel's state, link, error and history, and what can be done with it. */
export function PostDetail({ id, timezone }: { id: string | null; timezone: string }) {
  const post = usePost(id, { pollWhile: (p) => p.targets.some(isMoving) });
  const media = useMediaLibrary(Boolean(post.data?.content.parts.some((p) => p.media?.length)));

  if (!id) {
    return (
      <>
        <PageHeader title="Post" />
        <Notice tone="error">
          <p>No post was given. Open a post from the calendar or the queue.</p>
        </Notice>
      </>
    );
  }
  if (post.isPending) return <PageLoader label="Loading the post…" />;
  if (post.isError) {
    const missing = post.error instanceof ApiError && post.error.status === 404;
    return (
      <>
        <PageHeader title="Post" />
        <Notice tone="error">
          <p>{missing ? "This post doesn't exist, or it isn't yours." : errorMessage(post.error)}</p>
          <Link href="/queue/" className="font-medium underline">
            Back to the queue
          </Link>
        </Notice>
      </>
    );
  }

  const data = post.data;
  const urls = new Map((media.data ?? []).map((m) => [m.id, m.url]));

  return (
    <>
      <PageHeader
        title="Post"
        description={
          <>
            Created {formatInZone(data.created_at, timezone)} from {SOURCES[data.source] ?? data.source}. Times are in{" "}
            {timezone.replaceAll("_", " ")}.
          </>
        }
        actions={
          <Link href="/calendar/" className={buttonClasses("ghost")}>
            <Icon name="calendar" className="size-4" />
            Calendar
          </Link>
        }
      />
      {hasActions(data) && (
        <div className="mb-6 flex flex-wrap items-center gap-2" data-testid="post-actions">
          <PostActions post={data} timezone={timezone} size="md" />
        </div>
      )}
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section aria-labelledby="post-content-heading" className="space-y-6">
          <h2 id="post-content-heading" className="sr-only">
            Channels
          </h2>
          <ul className="space-y-4" data-testid="target-list">
            {data.targets.map((t) => (
              <TargetCard key={t.id} post={data} target={t} timezone={timezone} />
            ))}
          </ul>
        </section>
        <section aria-labelledby="content-heading" className="rounded-xl border border-line bg-surface shadow-xs">
          <h2 id="content-heading" className="border-b border-line px-5 py-3 text-sm font-semibold text-fg">
            {data.content.parts.length > 1 ? `Thread of ${data.content.parts.length} parts` : "Content"}
          </h2>
          <ol className="divide-y divide-line" data-testid="post-parts">
            {data.content.parts.map((part, i) => (
              <li key={i} className="space-y-2 px-5 py-4">
                {data.content.parts.length > 1 && <p className="text-xs font-medium text-muted">Part {i + 1}</p>}
                <p className="text-sm break-words whitespace-pre-wrap text-fg">
                  <HighlightedText text={part.text} />
                </p>
                {(part.media ?? []).length > 0 && (
                  <ul className="grid grid-cols-2 gap-2">
                    {(part.media ?? []).map((m) => (
                      <li key={m.id} className="overflow-hidden rounded-lg border border-line bg-subtle">
                        {urls.get(m.id) ? (
                          <img src={urls.get(m.id)} alt={m.alt ?? ""} className="aspect-video w-full object-cover" />
                        ) : (
                          <div className="flex aspect-video items-center justify-center text-muted">
                            <Icon name="image" className="size-6" />
                          </div>
                        )}
                        {m.alt && <p className="px-2 py-1 text-xs text-muted">Alt: {m.alt}</p>}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ol>
          {data.content.link && (
            <p className="border-t border-line px-5 py-3 text-sm break-all">
              <span className="text-muted">Link: </span>
              {safeHref(data.content.link) ? (
                <a href={safeHref(data.content.link) ?? undefined} target="_blank" rel="noopener noreferrer" className="text-accent-text underline">
                  {data.content.link}
                </a>
              ) : (
                data.content.link
              )}
            </p>
          )}
        </section>
      </div>
    </>
  );
}

function TargetCard({ post, target, timezone }: { post: Post; target: PostTarget; timezone: string }) {
  const publish = usePublishPost();
  const platform = platformLabel(target.platform);
  const handle = target.handle ?? "A disconnected channel";
  const url = safeHref(target.url);
  const headingId = `target-${target.id}`;
  const style = stateStyle(target.state);

  const retry = async () => {
    try {
      await publish.mutateAsync({ id: post.id, targetIds: [target.id] });
      toast.success(`Retrying ${handle}.`);
    } catch (e) {
      toast.error(apiErrorSentences(e));
    }
  };

  return (
    <li
      aria-labelledby={headingId}
      className="rounded-xl border border-line bg-surface shadow-xs"
      data-testid="target-card"
      data-state={target.state}
      data-tone={style.tone}
    >
      <div className="flex flex-wrap items-start gap-3 px-5 py-4">
        <PlatformIcon platform={target.platform ?? ""} />
        <div className="min-w-0 flex-1 space-y-1">
          <h3 id={headingId} className="font-semibold break-words text-fg">
            {handle}
          </h3>
          <p className="text-sm text-muted">{platform}</p>
        </div>
        <StateBadge state={target.state} prefix="State: " />
      </div>
      <dl className="grid gap-x-4 gap-y-1 border-t border-line px-5 py-3 text-sm sm:grid-cols-[9rem_1fr]">
        {target.scheduled_at && (
          <>
            <dt className="text-muted">{target.state === "published" ? "Was scheduled" : "Scheduled for"}</dt>
            <dd className="text-fg" data-testid="target-scheduled">
              <time dateTime={target.scheduled_at}>{formatInZone(target.scheduled_at, timezone, { weekday: "long", year: "numeric", month: "long", day: "numeric", ...timeOfDay() })}</time>
            </dd>
          </>
        )}
        {target.published_at && (
          <>
            <dt className="text-muted">Published</dt>
            <dd className="text-fg">
              <time dateTime={target.published_at}>{formatInZone(target.published_at, timezone)}</time>
            </dd>
          </>
        )}
        {target.next_attempt_at && (
          <>
            <dt className="text-muted">Next attempt</dt>
            <dd className="text-fg">
              <time dateTime={target.next_attempt_at}>{formatInZone(target.next_attempt_at, timezone)}</time>
            </dd>
          </>
        )}
        {target.attempts > 0 && (
          <>
            <dt className="text-muted">Tries</dt>
            <dd className="text-fg" data-testid="target-attempts">
              <span className="tabular-nums">{target.attempts}</span> {target.attempts === 1 ? "try" : "tries"}
              <span className="text-muted"> (counted afresh from each Retry or Publish now)</span>
            </dd>
          </>
        )}
        {target.variant && (
          <>
            <dt className="text-muted">Text</dt>
            <dd className="text-fg">Customized for this channel</dd>
          </>
        )}
      </dl>
      {target.error && (
        <div className="px-5 pb-3">
          <Notice tone={target.state === "failed" ? "error" : "warn"} testId="target-error">
            <p className="break-words">
              {target.error.part != null && post.content.parts.length > 1 && (
                <strong className="font-semibold">Part {target.error.part + 1}: </strong>
              )}
              {localizeInstants(target.error.message, timezone)}
            </p>
            <p className="font-mono text-xs">{target.error.code}</p>
          </Notice>
        </div>
      )}
      {(url || target.state === "failed") && (
        <div className="flex flex-wrap items-center gap-2 border-t border-line px-5 py-3">
          {url && (
            <a href={url} target="_blank" rel="noopener noreferrer" className={buttonClasses("secondary", "sm")} data-testid="view-on-platform">
              <Icon name="externalLink" className="size-4" />
              View on {platform}
            </a>
          )}
          {target.state === "failed" && (
            <Button size="sm" onClick={retry} loading={publish.isPending} aria-label={`Retry ${handle}`}>
              <Icon name="retry" className="size-4" />
              Retry
            </Button>
          )}
        </div>
      )}
      <details className="border-t border-line px-5 py-3" open={target.history.length <= 6}>
        <summary className="cursor-pointer text-sm font-medium text-fg">History ({target.history.length})</summary>
        <ol className="mt-3 space-y-3 border-l border-line pl-4" data-testid="target-history">
          {target.history.map((e, i) => (
            <li key={`${e.at}-${i}`} className="relative text-sm">
              <span className={`absolute top-1.5 -left-[1.3rem] size-2 rounded-full ${stateStyle(e.to).dot}`} aria-hidden="true" />
              <p className="text-xs text-muted">
                <time dateTime={e.at}>{formatInZone(e.at, timezone, { year: "numeric", month: "short", day: "numeric", ...timeOfDay(), second: "2-digit" })}</time>
              </p>
              <p className="text-fg">
                {e.from ? (
                  <>
                    {stateStyle(e.from).label} <span aria-label="to">→</span> {stateStyle(e.to).label}
                  </>
                ) : (
                  stateStyle(e.to).label
                )}
              </p>
              {e.message && <p className="break-words text-muted">{localizeInstants(e.message, timezone)}</p>}
            </li>
          ))}
        </ol>
      </details>
    </li>
  );
}
