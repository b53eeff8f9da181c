import { useEffect, useRef } from "react";
import { useNotifications } from "@/api/notifications";
import { useMarkNotificationsRead } from "./mark-read";

/** The server takes at most 100 ids at once (the list holds the latest 50). */
const MAX_IDS = 100;

/** Ids of the unread notifications about `postId`, leaving out those in `skip`. */
export function unreadAboutPost(
  notifications: ReadonlyArray<{ id: string; post_id?: string | null; read_at?: string | null }>,
  postId: string,
  skip: ReadonlySet<string> = new Set(),
): string[] {
  return notifications.filter((n) => n.post_id === postId && !n.read_at && !skip.has(n.id)).map((n) => n.id);
}

/**
 * Opening a post's page is reading what the bell says about it: its unread notifications
 * are marked read (the bell's count drops at once) and so are any that arrive while the
 * page is open. Each id is sent once, so a failure does not loop; it is quiet because the
 * user did not ask for it.
 */
export function useMarkPostNotificationsRead(postId: string | null) {
  const notifications = useNotifications();
  const markRead = useMarkNotificationsRead({ quiet: true });
  const { mutate } = markRead;
  const sent = useRef(new Set<string>());

  useEffect(() => {
    if (!postId || !notifications.data) return;
    const ids = unreadAboutPost(notifications.data, postId, sent.current).slice(0, MAX_IDS);
    if (ids.length === 0) return;
    ids.forEach((id) => sent.current.add(id));
    mutate({ ids });
  }, [postId, notifications.data, mutate]);
}
