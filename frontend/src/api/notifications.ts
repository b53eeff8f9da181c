import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, call } from "./client";
import type { components } from "./generated/schema";
import { useSession } from "./session";

/**
 * The notifications list is read by two features (the Channels page's reconnect banner
 * and the top-bar notifications centre), and features do not import each other, so its
 * one query key and fetcher live here. Both read the same cache entry: marking one read
 * in the centre updates the banner too.
 */
export type AppNotification = components["schemas"]["Notification"];

export const notificationKeys = {
  all: ["notifications"] as const,
};

/** How often the top bar asks for new notifications while the tab is visible. */
export const NOTIFICATIONS_POLL_MS = 30_000;

export function listNotifications(): Promise<AppNotification[]> {
  return call(api.GET("/api/v1/notifications"));
}

export function notificationsQueryOptions() {
  return queryOptions({ queryKey: notificationKeys.all, queryFn: listNotifications });
}

/**
 * The latest 50 notifications, newest first; idle until the session is authenticated.
 * `poll` refetches every 30 s while the tab is visible and on window focus: only the
 * always-mounted top bar asks for it, so one timer runs however many readers there are.
 */
export function useNotifications({ poll = false }: { poll?: boolean } = {}) {
  const authenticated = useSession((s) => s.status === "authenticated");
  return useQuery({
    ...notificationsQueryOptions(),
    enabled: authenticated,
    // Fresh for 5 s only (not the app's 30 s), so coming back to the tab shows new ones at once.
    ...(poll ? { refetchInterval: NOTIFICATIONS_POLL_MS, refetchOnWindowFocus: true, staleTime: 5_000 } : {}),
  });
}
