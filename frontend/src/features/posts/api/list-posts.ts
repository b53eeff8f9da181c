import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { useSession } from "@/api/session";
import { postKeys } from "./keys";
import { watchStates } from "./state-change";
import type { Post, PostFilters } from "./types";

export function listPosts(filters: PostFilters): Promise<Post[]> {
  return call(api.GET("/api/v1/posts", { params: { query: filters } }));
}

export function postsQueryOptions(filters: PostFilters) {
  return queryOptions({
    queryKey: postKeys.list(filters),
    queryFn: async ({ client, queryKey }) => {
      const posts = await listPosts(filters);
      watchStates(client, client.getQueryData<Post[]>(queryKey), posts);
      return posts;
    },
    staleTime: 5_000,
  });
}

/**
 * Posts with a target matching the filters. `pollWhile` decides, from the latest
 * answer, whether to refetch every `pollMs` (e.g. while something is about to publish).
 */
export function usePosts(
  filters: PostFilters,
  options: { pollWhile?: (posts: Post[]) => boolean; pollMs?: number } = {},
) {
  const authenticated = useSession((s) => s.status === "authenticated");
  const { pollWhile, pollMs = 5_000 } = options;
  return useQuery({
    ...postsQueryOptions(filters),
    enabled: authenticated,
    placeholderData: (previous) => previous,
    refetchInterval: (query) => (pollWhile && query.state.data && pollWhile(query.state.data) ? pollMs : false),
  });
}
