import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { channelKeys } from "./keys";
import type { Channel } from "./types";

export interface PauseInput {
  id: string;
  paused: boolean;
}

/** Pauses (posts wait in the queue) or resumes publishing to a channel. */
export function setChannelPaused({ id, paused }: PauseInput): Promise<Channel> {
  return call(api.PATCH("/api/v1/channels/{id}", { params: { path: { id } }, body: { paused } })) as Promise<Channel>;
}

export function useSetChannelPaused() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setChannelPaused,
    onSuccess: (channel) => {
      queryClient.setQueryData<Channel[]>(channelKeys.list(), (old) => old?.map((c) => (c.id === channel.id ? channel : c)));
      void queryClient.invalidateQueries({ queryKey: channelKeys.list() });
    },
  });
}
