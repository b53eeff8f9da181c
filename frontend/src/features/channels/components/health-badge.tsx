import { Badge, type BadgeTone } from "@/components/ui/badge";
import { cn } from "@/lib/cn";
import type { Channel } from "../api/types";
import { channelHealth, type HealthFields } from "../lib/health";

const detailTone: Record<BadgeTone, string> = {
  neutral: "text-muted",
  accent: "text-muted",
  warn: "text-warn-text",
  danger: "text-danger",
};

/** The channel's health as a badge, with the platform's message under it when there is one. */
export function HealthBadge({ channel, timeZone, now }: {
  channel: HealthFields;
  /** Defaults to the browser's zone (tests pass one). */
  timeZone?: string;
  now?: Date;
}) {
  const health = channelHealth(channel, { timeZone, now });
  return (
    <div className="min-w-0 space-y-1">
      <Badge tone={health.tone} testId="channel-health">
        <span className="sr-only">Status: </span>
        {health.label}
      </Badge>
      {health.detail && (
        <p className={cn("text-sm break-words", detailTone[health.tone])} data-testid="channel-health-detail">
          {health.detail}
        </p>
      )}
    </div>
  );
}
