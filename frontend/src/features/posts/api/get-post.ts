import { queryOptions, useQuery } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { useSession } from "@/api/session";
import { postKeys } from "./keys";
import { watchStates } from "./state-change";
import type { Post } from "./types";

export function getPost(id: string): Promise<Post> {
  return call(api.GET("/api/v1/posts/{id}", { params: { path: { id } } }));
}

export function postQueryOptions(id: string) {
  return queryOptions({
    queryKey: postKeys.detail(id),
    queryFn: async ({ client, queryKey }) => {
      const post = await getPost(id);
      const before = client.getQueryData<Post>(queryKey);
      watchStates(client, before && [before], [post]);
      return post;
    },
    staleTime: 5_000,
  });
}

/** One post with every target's history; polls while `pollWhile` says so. */
export function usePost(id: string | null, options: { pollWhile?: (post: Post) => boolean } = {}) {
  const authenticated = useSession((s) => s.status === "authenticated");
  const { pollWhile } = options;
  return useQuery({
    ...postQueryOptions(id ?? ""),
    enabled: authenticated && Boolean(id),
    refetchInterval: (query) => (pollWhile && query.state.data && pollWhile(query.state.data) ? 5_000 : false),
  });
}
