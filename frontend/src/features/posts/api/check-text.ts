import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { useSession } from "@/api/session";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { postKeys } from "./keys";
import type { CheckResult, Platform } from "./types";

export function checkText(platform: Platform, text: string, maxOverride: number | null): Promise<CheckResult> {
  return call(
    api.POST("/api/v1/text/check", {
      body: { platform, text, ...(maxOverride ? { max_override: maxOverride } : {}) },
    }),
  );
}

export function textCheckQueryOptions(platform: Platform, text: string, maxOverride: number | null) {
  return queryOptions({
    queryKey: postKeys.textCheck(platform, maxOverride, text),
    queryFn: () => checkText(platform, text, maxOverride),
    staleTime: Infinity,
  });
}

/** The platform's verdict on `text`, asked 300 ms after typing stops (shared per platform and text). */
export function useTextCheck(platform: Platform, text: string, maxOverride: number | null = null) {
  const authenticated = useSession((s) => s.status === "authenticated");
  const settled = useDebouncedValue(text, 300);
  const query = useQuery({
    ...textCheckQueryOptions(platform, settled, maxOverride),
    enabled: authenticated,
    placeholderData: keepPreviousData,
  });
  return { ...query, pending: settled !== text || query.isFetching };
}
