import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { useSession } from "@/api/session";
import { channelKeys } from "./keys";
import type { PlatformInfo } from "./types";

export function listPlatforms(): Promise<PlatformInfo[]> {
  return call(api.GET("/api/v1/channels/platforms"));
}

export function platformsQueryOptions() {
  // Server configuration: it only changes when the server restarts.
  return queryOptions({ queryKey: channelKeys.platforms(), queryFn: listPlatforms, staleTime: 5 * 60_000 });
}

/** Every platform with how it connects and whether this server is set up for it. */
export function usePlatforms() {
  const authenticated = useSession((s) => s.status === "authenticated");
  return useQuery({ ...platformsQueryOptions(), enabled: authenticated });
}
