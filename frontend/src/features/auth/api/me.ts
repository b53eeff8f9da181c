import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, call, type User } from "@/api/client";
import { useSession } from "@/api/session";
import { authKeys } from "./keys";

export function getMe(): Promise<User> {
  return call(api.GET("/api/v1/auth/me"));
}

export function meQueryOptions() {
  return queryOptions({ queryKey: authKeys.me(), queryFn: getMe, staleTime: 5 * 60_000 });
}

/** The signed-in user; idle until the session is known to be authenticated. */
export function useMe() {
  const authenticated = useSession((s) => s.status === "authenticated");
  return useQuery({ ...meQueryOptions(), enabled: authenticated });
}
