import { useMutation, useQueryClient } from "@tanstack/react-query";
import toast from "react-hot-toast";
import { api, call } from "@/api/client";
import { errorMessage } from "@/api/errors";
import type { components } from "@/api/generated/schema";
import { notificationKeys, type AppNotification } from "@/api/notifications";
import { markRead } from "../lib/notifications";

/** `{ ids }` marks those; `{}` marks every one. */
export type MarkReadRequest = components["schemas"]["MarkReadRequest"];
export type MarkReadResponse = components["schemas"]["MarkReadResponse"];

const mutationKey = [...notificationKeys.all, "mark-read"] as const;

export function markNotificationsRead(body: MarkReadRequest): Promise<MarkReadResponse> {
  return call(api.POST("/api/v1/notifications/read", { body }));
}

/**
 * Marks notifications read in the cache at once (the bell and the reconnect banner both
 * read it); on failure puts back exactly the ones it changed and says so in a toast
 * (unless `quiet`: marking the user did not ask for fails silently, and the bell shows
 * them unread again).
 */
export function useMarkNotificationsRead({ quiet = false }: { quiet?: boolean } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey,
    mutationFn: markNotificationsRead,
    onMutate: async (body) => {
      // A poll landing now would overwrite the optimistic state with the old one.
      await queryClient.cancelQueries({ queryKey: notificationKeys.all });
      let changed: string[] = [];
      queryClient.setQueryData<AppNotification[]>(notificationKeys.all, (old) => {
        if (!old) return old;
        const result = markRead(old, body.ids, new Date().toISOString());
        changed = result.changed;
        return result.next;
      });
      return { changed };
    },
    onError: (error, body, context) => {
      const changed = new Set(context?.changed);
      queryClient.setQueryData<AppNotification[]>(notificationKeys.all, (old) =>
        old?.map((n) => (changed.has(n.id) ? { ...n, read_at: null } : n)),
      );
      if (quiet) return;
      const what = body.ids ? "that notification" : "your notifications";
      toast.error(`Couldn't mark ${what} read. ${errorMessage(error)}`);
    },
    onSettled: () => {
      // Only the last of overlapping calls refetches, so none sees a half-updated list.
      if (queryClient.isMutating({ mutationKey }) === 1) {
        void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
      }
    },
  });
}
