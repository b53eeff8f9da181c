import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { rememberPost } from "./cache";
import type { Post, UpdatePostRequest } from "./types";

export interface UpdateInput {
  id: string;
  body: UpdatePostRequest;
}

export function updatePost({ id, body }: UpdateInput): Promise<Post> {
  return call(api.PATCH("/api/v1/posts/{id}", { params: { path: { id } }, body }));
}

export function useUpdatePost() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: updatePost, onSuccess: (post) => rememberPost(queryClient, post) });
}
