"use client";

import Link from "next/link";
import { errorMessage } from "@/api/errors";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { PlatformIcon } from "@/components/ui/platform-icon";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/cn";
import { formatDayKey, formatInZone, timeOfDay, todayIn } from "@/lib/zoned-time";
import { usePosts } from "../api/list-posts";
import { excerpt, postDetailHref } from "../lib/content";
import { glanceRange, recentFailures, upcoming, weekAtAGlance, type OverviewItem } from "../lib/overview";
import { anyMoving } from "../lib/states";

function ItemList({ items, timezone, testId }: { items: OverviewItem[]; timezone: string; testId: string }) {
  return (
    <ul className="divide-y divide-line" data-testid={testId}>
      {items.map(({ post, target, at }) => (
        <li key={target.id}>
          <Link href={postDetailHref(post.id)} className="flex items-center gap-3 py-2 hover:bg-subtle/60">
            <PlatformIcon platform={target.platform ?? ""} className="size-7 rounded-md [&_svg]:size-4" />
            <span className="min-w-0 flex-1">
              <span className="block truncate text-sm text-fg">{excerpt(post, 80)}</span>
              <span className="block text-xs text-muted">
                {target.handle ?? "Disconnected channel"} ·{" "}
                <time dateTime={at.toISOString()}>{formatInZone(at, timezone, { weekday: "short", day: "numeric", month: "short", ...timeOfDay() })}</time>
              </span>
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

/**
 * The dashboard's overview of publishing: the week ahead day by day, what goes out
 * next, and what failed recently (from posts_list; nothing invented, no sample data).
 */
export function PostsOverview({ timezone }: { timezone: string }) {
  const today = todayIn(timezone);
  const week = usePosts({ ...glanceRange(today, timezone), limit: 1000 }, { pollWhile: anyMoving });
  const failed = usePosts({ state: "failed", limit: 20 });
  const now = new Date();
  const next = upcoming(week.data ?? [], now);
  const failures = recentFailures(failed.data ?? []);
  const days = weekAtAGlance(week.data ?? [], today, timezone);
  const loading = week.isPending || failed.isPending;
  const error = week.error ?? failed.error;

  return (
    <Card labelledBy="overview-heading">
      <CardHeader
        id="overview-heading"
        title="This week"
        description={`How many posts go out on each of the next seven days, in ${timezone.replaceAll("_", " ")}.`}
        action={loading ? <Spinner className="size-4 text-muted" /> : undefined}
      />
      <CardBody className="space-y-6">
        {error && (
          <Notice tone="error">
            <p>{errorMessage(error)}</p>
          </Notice>
        )}
        <ol className="grid grid-cols-7 gap-1.5" aria-label="The next seven days" data-testid="week-glance">
          {days.map((d) => {
            const total = d.planned + d.published + d.failed;
            const label = `${formatDayKey(d.day, { weekday: "long", day: "numeric", month: "long" })}: ${
              total === 0 ? "nothing planned" : [d.planned && `${d.planned} to go out`, d.published && `${d.published} sent`, d.failed && `${d.failed} failed`].filter(Boolean).join(", ")
            }`;
            return (
              <li key={d.day} data-testid="glance-day" data-day={d.day} data-total={total}>
                <Link
                  href="/calendar/"
                  aria-label={label}
                  title={label}
                  className={cn("flex flex-col items-center rounded-lg border border-line px-1 py-2 text-center hover:bg-subtle", d.day === today && "border-accent bg-accent-soft")}
                >
                  <span className="text-[0.7rem] font-medium text-muted uppercase" aria-hidden="true">
                    {formatDayKey(d.day, { weekday: "short" })}
                  </span>
                  <span className="text-lg font-semibold text-fg tabular-nums" aria-hidden="true">
                    {total}
                  </span>
                  <span className="flex h-1.5 gap-0.5" aria-hidden="true">
                    {d.published > 0 && <span className="w-1.5 rounded-full bg-green-600 dark:bg-green-400" />}
                    {d.planned > 0 && <span className="w-1.5 rounded-full bg-blue-600 dark:bg-blue-400" />}
                    {d.failed > 0 && <span className="w-1.5 rounded-full bg-red-600 dark:bg-red-400" />}
                  </span>
                </Link>
              </li>
            );
          })}
        </ol>

        <section aria-labelledby="overview-next">
          <h3 id="overview-next" className="mb-1 text-sm font-semibold text-fg">
            Going out next
          </h3>
          {next.length > 0 ? (
            <ItemList items={next} timezone={timezone} testId="overview-upcoming" />
          ) : (
            <p className="text-sm text-muted">
              {loading ? "Loading…" : "Nothing is scheduled for the next seven days."}{" "}
              {!loading && (
                <Link href="/compose/" className="font-medium text-accent-text underline">
                  Write a post
                </Link>
              )}
            </p>
          )}
        </section>

        <section aria-labelledby="overview-failed">
          <h3 id="overview-failed" className="mb-1 text-sm font-semibold text-fg">
            Recent failures
          </h3>
          {failures.length > 0 ? (
            <>
              <ItemList items={failures} timezone={timezone} testId="overview-failures" />
              <Link href="/queue/?tab=failed" className="mt-1 inline-block text-sm font-medium text-accent-text underline">
                See every failed post
              </Link>
            </>
          ) : (
            <p className="text-sm text-muted">{loading ? "Loading…" : "No post has failed."}</p>
          )}
        </section>
      </CardBody>
    </Card>
  );
}
