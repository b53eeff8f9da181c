import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { useSession } from "@/api/session";
import { postKeys } from "./keys";
import type { ResolvedTime } from "./types";

/** How a wall time in a zone maps to an instant (DST gap or overlap), before saving. */
export function resolveSchedule(local: string, timezone: string): Promise<ResolvedTime> {
  return call(api.GET("/api/v1/schedule/resolve", { params: { query: { local, timezone } } }));
}

export function resolveQueryOptions(local: string, timezone: string) {
  return queryOptions({
    queryKey: postKeys.resolve(local, timezone),
    queryFn: () => resolveSchedule(local, timezone),
    staleTime: Infinity,
  });
}

/** Idle until both a complete `YYYY-MM-DDTHH:MM` and a zone are given. */
export function useResolveSchedule(local: string | null, timezone: string) {
  const authenticated = useSession((s) => s.status === "authenticated");
  return useQuery({
    ...resolveQueryOptions(local ?? "", timezone),
    enabled: authenticated && Boolean(local) && Boolean(timezone),
    placeholderData: keepPreviousData,
    retry: false,
  });
}
