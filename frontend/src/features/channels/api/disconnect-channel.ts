import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { notificationKeys } from "@/api/notifications";
import { channelKeys } from "./keys";
import type { Channel } from "./types";

export async function disconnectChannel(id: string): Promise<void> {
  await call(api.DELETE("/api/v1/channels/{id}", { params: { path: { id } } }));
}

export function useDisconnectChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: disconnectChannel,
    onSuccess: (_, id) => {
      queryClient.setQueryData<Channel[]>(channelKeys.list(), (old) => old?.filter((c) => c.id !== id));
      void queryClient.invalidateQueries({ queryKey: channelKeys.all });
      void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
    },
  });
}
