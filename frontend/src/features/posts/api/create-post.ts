import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { rememberPost } from "./cache";
import type { CreatePostRequest, Post } from "./types";

export function createPost(body: CreatePostRequest): Promise<Post> {
  return call(api.POST("/api/v1/posts", { body }));
}

export function useCreatePost() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createPost, onSuccess: (post) => rememberPost(queryClient, post) });
}
