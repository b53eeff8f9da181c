import type { QueryClient } from "@tanstack/react-query";
import { postKeys } from "./keys";
import type { Post } from "./types";

/**
 * A post a mutation answered with becomes its cached detail and replaces its entry in
 * every cached list at once; the lists are then refetched (filters may no longer match).
 * Writing it into the lists also lets their next fetch see the move that follows: a
 * retry answers "scheduled", and a publish that fails within milliseconds is then
 * "failed" again, which the bell hears about (see state-change.ts).
 */
export function rememberPost(queryClient: QueryClient, post: Post): void {
  queryClient.setQueryData(postKeys.detail(post.id), post);
  queryClient.setQueriesData<Post[]>({ queryKey: postKeys.lists() }, (old) =>
    old?.some((p) => p.id === post.id) ? old.map((p) => (p.id === post.id ? post : p)) : old,
  );
  void queryClient.invalidateQueries({ queryKey: postKeys.lists() });
}
