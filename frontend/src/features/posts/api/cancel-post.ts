import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { rememberPost } from "./cache";
import type { Post } from "./types";

/** Takes the post's scheduled (and failed) channels back to draft. */
export function cancelPost(id: string): Promise<Post> {
  return call(api.POST("/api/v1/posts/{id}/cancel", { params: { path: { id } } }));
}

export function useCancelPost() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: cancelPost, onSuccess: (post) => rememberPost(queryClient, post) });
}
