import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { useSession } from "@/api/session";
import { channelKeys } from "./keys";
import type { AppNotification } from "./types";

export function listNotifications(): Promise<AppNotification[]> {
  return call(api.GET("/api/v1/notifications"));
}

export function notificationsQueryOptions() {
  return queryOptions({ queryKey: channelKeys.notifications(), queryFn: listNotifications });
}

/** In-app notifications, newest first; idle until the session is authenticated. */
export function useNotifications() {
  const authenticated = useSession((s) => s.status === "authenticated");
  return useQuery({ ...notificationsQueryOptions(), enabled: authenticated });
}
