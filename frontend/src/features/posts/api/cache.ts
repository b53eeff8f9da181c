import type { QueryClient } from "@tanstack/react-query";
import { postKeys } from "./keys";
import type { Post } from "./types";

/** A post a mutation answered with becomes its cached detail; every list may have changed. */
export function rememberPost(queryClient: QueryClient, post: Post): void {
  queryClient.setQueryData(postKeys.detail(post.id), post);
  void queryClient.invalidateQueries({ queryKey: postKeys.lists() });
}
