import type { PostFilters } from "./types";

export const postKeys = {
  all: ["posts"] as const,
  lists: () => [...postKeys.all, "list"] as const,
  list: (filters: PostFilters) => [...postKeys.lists(), filters] as const,
  details: () => [...postKeys.all, "detail"] as const,
  detail: (id: string) => [...postKeys.details(), id] as const,
  textCheck: (platform: string, max: number | null, format: string | null, text: string) => ["text-check", platform, max, format, text] as const,
  resolve: (local: string, zone: string) => ["schedule-resolve", zone, local] as const,
  media: () => ["media", "list"] as const,
  mediaUsage: () => ["media", "usage"] as const,
};
