import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { notificationKeys } from "@/api/notifications";
import { channelKeys } from "./keys";
import type { Channel } from "./types";

export function testChannel(id: string): Promise<Channel> {
  return call(api.POST("/api/v1/channels/{id}/test", { params: { path: { id } } }));
}

export function useTestChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: testChannel,
    onSuccess: (channel) => {
      queryClient.setQueryData<Channel[]>(channelKeys.list(), (old) =>
        old?.map((c) => (c.id === channel.id ? channel : c)),
      );
      // A failed check may have raised a "needs reconnect" notification.
      void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
    },
  });
}
