import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { useSession } from "@/api/session";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { postKeys } from "./keys";
import type { CheckResult, Platform, WebhookFormat } from "./types";

/** A webhook's format sets its receiver's limit (Discord 2,000, Slack 40,000); other platforms ignore it. */
export function checkText(platform: Platform, text: string, maxOverride: number | null, format: WebhookFormat | null = null): Promise<CheckResult> {
  return call(
    api.POST("/api/v1/text/check", {
      body: {
        platform,
        text,
        ...(maxOverride ? { max_override: maxOverride } : {}),
        ...(platform === "webhook" && format ? { webhook_format: format } : {}),
      },
    }),
  );
}

export function textCheckQueryOptions(platform: Platform, text: string, maxOverride: number | null, format: WebhookFormat | null = null) {
  const webhookFormat = platform === "webhook" ? format : null;
  return queryOptions({
    queryKey: postKeys.textCheck(platform, maxOverride, webhookFormat, text),
    queryFn: () => checkText(platform, text, maxOverride, webhookFormat),
    staleTime: Infinity,
  });
}

/** The platform's verdict on `text`, asked 300 ms after typing stops (shared per platform and text). */
export function useTextCheck(platform: Platform, text: string, maxOverride: number | null = null, format: WebhookFormat | null = null) {
  const authenticated = useSession((s) => s.status === "authenticated");
  const settled = useDebouncedValue(text, 300);
  const query = useQuery({
    ...textCheckQueryOptions(platform, settled, maxOverride, format),
    enabled: authenticated,
    placeholderData: keepPreviousData,
  });
  return { ...query, pending: settled !== text || query.isFetching };
}
