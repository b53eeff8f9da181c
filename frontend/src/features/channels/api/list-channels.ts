import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { useSession } from "@/api/session";
import { channelKeys } from "./keys";
import type { Channel } from "./types";

export function listChannels(): Promise<Channel[]> {
  return call(api.GET("/api/v1/channels"));
}

export function channelsQueryOptions() {
  return queryOptions({ queryKey: channelKeys.list(), queryFn: listChannels });
}

/** The user's channels with their health; idle until the session is authenticated. */
export function useChannels() {
  const authenticated = useSession((s) => s.status === "authenticated");
  return useQuery({ ...channelsQueryOptions(), enabled: authenticated });
}
