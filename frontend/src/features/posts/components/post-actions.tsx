"use client";

import Link from "next/link";
import { useState } from "react";
import toast from "react-hot-toast";
import { Button, buttonClasses } from "@/components/ui/button";
import { Icon } from "@/components/ui/icons";
import { useCancelPost } from "../api/cancel-post";
import { useDeletePost } from "../api/delete-post";
import { usePublishPost } from "../api/publish-post";
import type { Post } from "../api/types";
import { editHref } from "../lib/content";
import { apiErrorSentences } from "../lib/errors";
import { postActions } from "../lib/states";
import { RescheduleDialog } from "./reschedule-dialog";

/** Edit, Reschedule…, Publish now, Retry (failed channels), Cancel (also between attempts) and Delete (drafts) for one post, as its states allow. */
export function PostActions({ post, timezone, size = "sm", label }: {
  post: Post;
  timezone: string;
  size?: "sm" | "md";
  /** Names the post in the buttons' accessible names (lists have many). */
  label?: string;
}) {
  const actions = postActions(post);
  const publish = usePublishPost();
  const cancel = useCancelPost();
  const [rescheduling, setRescheduling] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const remove = useDeletePost();
  const of = label ? ` ${label}` : "";
  // What Cancel does, in its own words: posts_cancel moves channels still waiting
  // (scheduled, retrying, unconfirmed, failed) back to draft.
  const retrying = actions.stopsRetrying;
  const scheduled = post.targets.some((t) => t.state === "scheduled");
  const cancelText = retrying ? "Stop retrying" : scheduled ? "Unschedule" : "Move to drafts";
  const unconfirmed = post.targets.some((t) => t.state === "unconfirmed");

  const publishNow = async (targetIds?: string[]) => {
    try {
      await publish.mutateAsync({ id: post.id, targetIds });
      toast.success(targetIds ? "Retrying now." : "Publishing now.");
    } catch (e) {
      toast.error(apiErrorSentences(e));
    }
  };

  const cancelPost = async () => {
    try {
      await cancel.mutateAsync(post.id);
      toast.success(
        retrying
          ? "Stopped: no more attempts. The post is a draft again."
          : scheduled
            ? "Unscheduled: the post is a draft again and won't go out."
            : "Moved to drafts: it won't be sent until you schedule it again.",
      );
    } catch (e) {
      toast.error(apiErrorSentences(e));
    } finally {
      setConfirmCancel(false);
    }
  };

  const deleteDraft = async () => {
    try {
      await remove.mutateAsync(post.id);
      toast.success("Draft deleted.");
    } catch (e) {
      toast.error(apiErrorSentences(e));
    } finally {
      setConfirmDelete(false);
    }
  };

  if (confirmDelete) {
    return (
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label={`Confirm: delete${of || " this draft"}`}>
        <span className="text-sm text-fg">Delete this draft for good? This can’t be undone.</span>
        <Button variant="ghost" size={size} onClick={() => setConfirmDelete(false)}>
          Keep it
        </Button>
        <Button variant="danger" size={size} onClick={deleteDraft} loading={remove.isPending} autoFocus>
          Yes, delete
        </Button>
      </div>
    );
  }

  if (confirmCancel) {
    return (
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label={`Confirm: ${cancelText.toLowerCase()}${of || " this post"}`}>
        <span className="text-sm text-fg">
          {retrying
            ? unconfirmed
              ? "Stop retrying and keep it as a draft? The last attempt may have arrived; if you publish it again, LetsGrow checks first and never sends it twice."
              : "Stop retrying and keep it as a draft? Nothing more is sent."
            : scheduled
              ? "Stop it from going out and keep it as a draft?"
              : "Move it back to drafts? It won’t be sent until you schedule it again."}
        </span>
        <Button variant="ghost" size={size} onClick={() => setConfirmCancel(false)}>
          {retrying ? "Keep retrying" : scheduled ? "Keep it scheduled" : "Leave it"}
        </Button>
        <Button variant="danger" size={size} onClick={cancelPost} loading={cancel.isPending} autoFocus>
          Yes, {cancelText.toLowerCase()}
        </Button>
      </div>
    );
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      {actions.edit && (
        <Link href={editHref(post.id)} className={buttonClasses("secondary", size)} aria-label={`Edit${of}`}>
          <Icon name="edit" className="size-4" />
          Edit
        </Link>
      )}
      {actions.reschedule && (
        <Button variant="secondary" size={size} onClick={() => setRescheduling(true)} aria-label={`Reschedule${of}`}>
          <Icon name="clock" className="size-4" />
          Reschedule…
        </Button>
      )}
      {actions.failed.length > 0 && (
        <Button
          variant="secondary"
          size={size}
          onClick={() => publishNow(actions.failed.map((t) => t.id))}
          loading={publish.isPending}
          aria-label={`Retry the failed channel${actions.failed.length === 1 ? "" : "s"}${of}`}
        >
          <Icon name="retry" className="size-4" />
          Retry
        </Button>
      )}
      {actions.publishNow && (
        <Button variant="secondary" size={size} onClick={() => publishNow()} loading={publish.isPending} aria-label={`Publish now${of}`}>
          <Icon name="send" className="size-4" />
          Publish now
        </Button>
      )}
      {actions.cancel && (
        <Button variant="danger" size={size} onClick={() => setConfirmCancel(true)} aria-label={`${cancelText}${of}`}>
          <Icon name="ban" className="size-4" />
          {cancelText}
        </Button>
      )}
      {actions.delete && (
        <Button variant="danger" size={size} onClick={() => setConfirmDelete(true)} aria-label={`Delete draft${of}`}>
          <Icon name="trash" className="size-4" />
          Delete
        </Button>
      )}
      <RescheduleDialog post={post} open={rescheduling} timezone={timezone} onClose={() => setRescheduling(false)} />
    </div>
  );
}
