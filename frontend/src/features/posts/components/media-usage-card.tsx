"use client";

import { errorMessage } from "@/api/errors";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/cn";
import { useMediaUsage } from "../api/media";
import { summarizeUsage } from "../lib/media-usage";

const AT_THE_LIMIT =
  "When it is full, new uploads are refused until whoever runs LetsGrow raises the limit. Images already in your posts keep working. Every image you upload counts, even ones no post uses any more.";

/** Settings → how much of the space for images the media library uses, and what happens when it is full. */
export function MediaUsageCard() {
  const usage = useMediaUsage();

  return (
    <Card labelledBy="media-usage-heading">
      <CardHeader id="media-usage-heading" title="Images" description="Space for the images you upload to posts." />
      <CardBody className="space-y-4 text-sm">
        {usage.isPending ? (
          <p role="status" className="flex items-center gap-2 text-muted">
            <Spinner className="size-4" />
            Checking how much space your images use…
          </p>
        ) : usage.isError ? (
          <Notice tone="error" testId="media-usage-error">
            <div className="space-y-2">
              <p>Couldn&apos;t check how much space your images use. {errorMessage(usage.error)}</p>
              <Button variant="secondary" size="sm" onClick={() => void usage.refetch()} loading={usage.isFetching}>
                Try again
              </Button>
            </div>
          </Notice>
        ) : (
          <UsageSummaryView {...summarizeUsage(usage.data)} />
        )}
      </CardBody>
    </Card>
  );
}

function UsageSummaryView({ sentence, percent, percentText, level }: ReturnType<typeof summarizeUsage>) {
  return (
    <>
      <p className="text-fg" data-testid="media-usage">
        {sentence}
      </p>
      <div className="flex items-center gap-3">
        <progress
          max={100}
          value={percent}
          aria-label={`Space for images: ${percentText}`}
          className={cn(
            "h-2 flex-1 overflow-hidden rounded-full [&::-webkit-progress-bar]:bg-line",
            level === "ok"
              ? "[&::-moz-progress-bar]:bg-accent [&::-webkit-progress-value]:bg-accent"
              : level === "almost"
                ? "[&::-moz-progress-bar]:bg-warn-text [&::-webkit-progress-value]:bg-warn-text"
                : "[&::-moz-progress-bar]:bg-danger [&::-webkit-progress-value]:bg-danger",
          )}
        />
        <span className="shrink-0 text-xs text-muted tabular-nums">{percentText}</span>
      </div>
      {level === "full" ? (
        <Notice tone="error" testId="media-usage-full">
          <p>The space for images is full, so new uploads are refused. Images already in your posts keep working. Ask whoever runs LetsGrow to raise the limit.</p>
        </Notice>
      ) : level === "almost" ? (
        <Notice tone="warn" testId="media-usage-almost">
          <p>The space for images is almost full. {AT_THE_LIMIT}</p>
        </Notice>
      ) : (
        <p className="text-muted">{AT_THE_LIMIT}</p>
      )}
    </>
  );
}
