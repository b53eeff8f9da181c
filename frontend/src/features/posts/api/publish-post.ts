import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { rememberPost } from "./cache";
import type { Post } from "./types";

export interface PublishInput {
  id: string;
  /** Only these targets (the Retry of one failed channel); default every draft, scheduled or failed one. */
  targetIds?: string[];
}

export function publishPost({ id, targetIds }: PublishInput): Promise<Post> {
  return call(
    api.POST("/api/v1/posts/{id}/publish", { params: { path: { id } }, body: targetIds ? { target_ids: targetIds } : {} }),
  );
}

export function usePublishPost() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: publishPost, onSuccess: (post) => rememberPost(queryClient, post) });
}
