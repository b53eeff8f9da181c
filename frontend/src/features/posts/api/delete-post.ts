import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { postKeys } from "./keys";

/** Deletes a draft (every channel a draft); a 409 says the post is not one. */
export async function deletePost(id: string): Promise<void> {
  await call(api.DELETE("/api/v1/posts/{id}", { params: { path: { id } } }));
}

export function useDeletePost() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deletePost,
    onSuccess: (_, id) => {
      queryClient.removeQueries({ queryKey: postKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: postKeys.lists() });
    },
  });
}
