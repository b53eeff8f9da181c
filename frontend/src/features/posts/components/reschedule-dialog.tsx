"use client";

import { useState } from "react";
import toast from "react-hot-toast";
import { formatInZone, localString, wallTime } from "@/lib/zoned-time";
import type { Post, ZoneName } from "../api/types";
import { useUpdatePost } from "../api/update-post";
import { excerpt } from "../lib/content";
import { apiErrorSentences } from "../lib/errors";
import { isEditable } from "../lib/states";
import { ScheduleDialog, type ScheduleChoice } from "./schedule-dialog";

/** The wall time a post is scheduled for in `zone` (its first editable target), for the dialog to start from. */
export function currentLocal(post: Post, zone: string): string | null {
  const times = post.targets
    .filter((t) => isEditable(t) && t.scheduled_at)
    .map((t) => Date.parse(t.scheduled_at ?? ""))
    .filter((n) => !Number.isNaN(n))
    .sort((a, b) => a - b);
  const first = times[0];
  return first === undefined ? null : localString(wallTime(new Date(first), zone));
}

/**
 * Moves a post (every channel not yet published) to a wall time in a zone, after
 * showing how schedule_resolve reads it. Used by the calendar's drag and drop and by
 * the Reschedule buttons (the keyboard way to do the same).
 */
export function RescheduleDialog({ post, open, onClose, timezone, initialLocal, onSaved }: {
  post: Post | null;
  open: boolean;
  onClose: () => void;
  /** The user's zone (the dialog's default). */
  timezone: string;
  /** Where to start, `YYYY-MM-DDTHH:MM` (default: the post's current time). */
  initialLocal?: string | null;
  onSaved?: (post: Post) => void;
}) {
  const update = useUpdatePost();
  const [error, setError] = useState<string | null>(null);
  const editable = post ? post.targets.filter(isEditable).length : 0;

  const close = () => {
    setError(null);
    onClose();
  };

  const confirm = async ({ local, timezone: zone }: ScheduleChoice) => {
    if (!post) return;
    setError(null);
    try {
      const saved = await update.mutateAsync({
        id: post.id,
        body: { schedule: { mode: "local", local, timezone: zone as ZoneName } },
      });
      const at = saved.targets.find((t) => t.scheduled_at)?.scheduled_at;
      toast.success(at ? `Rescheduled for ${formatInZone(at, timezone)}.` : "Rescheduled.");
      if (saved.schedule_note) toast(saved.schedule_note, { icon: "🕑" });
      onSaved?.(saved);
      close();
    } catch (e) {
      setError(apiErrorSentences(e));
    }
  };

  return (
    <ScheduleDialog
      open={open && post !== null}
      onClose={close}
      title="Reschedule post"
      confirmLabel="Reschedule"
      testId="reschedule-dialog"
      description={
        post ? (
          <>
            <span className="line-clamp-2 break-words">“{excerpt(post, 100)}”</span>
            <span className="mt-1 block">
              {editable > 1 ? `Moves all ${editable} channels of this post that aren't published yet.` : "Moves this post."}
            </span>
          </>
        ) : undefined
      }
      initialLocal={initialLocal ?? (post ? currentLocal(post, timezone) : null)}
      defaultZone={timezone}
      onConfirm={confirm}
      error={error}
      busy={update.isPending}
    />
  );
}
