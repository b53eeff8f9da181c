import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import { channelKeys } from "./keys";
import type { Channel, ChannelSettingsUpdate } from "./types";

export interface PauseInput {
  id: string;
  paused: boolean;
}

/** Pauses (posts wait in the queue) or resumes publishing to a channel. */
export function setChannelPaused({ id, paused }: PauseInput): Promise<Channel> {
  return call(api.PATCH("/api/v1/channels/{id}", { params: { path: { id } }, body: { paused } })) as Promise<Channel>;
}

/** Puts channels_update's answer into the list, then refetches it. */
function storeChannel(queryClient: QueryClient, channel: Channel) {
  queryClient.setQueryData<Channel[]>(channelKeys.list(), (old) => old?.map((c) => (c.id === channel.id ? channel : c)));
  void queryClient.invalidateQueries({ queryKey: channelKeys.list() });
}

export function useSetChannelPaused() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setChannelPaused,
    onSuccess: (channel) => storeChannel(queryClient, channel),
  });
}

export interface SettingsInput {
  id: string;
  /** Only the keys to change; "" restores a key's default. */
  settings: ChannelSettingsUpdate;
}

/**
 * Changes a Reddit or Mastodon channel's publishing settings. A 422 names each bad
 * value as `settings.<key>`; a 409 `conflict` means the channel changed meanwhile.
 */
export function updateChannelSettings({ id, settings }: SettingsInput): Promise<Channel> {
  return call(api.PATCH("/api/v1/channels/{id}", { params: { path: { id } }, body: { settings } })) as Promise<Channel>;
}

export function useUpdateChannelSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateChannelSettings,
    onSuccess: (channel) => storeChannel(queryClient, channel),
  });
}

export interface RenameInput {
  id: string;
  /** The new name; "" gives the channel back its account's handle. */
  name: string;
}

/** Renames a channel. A 409 `channel_name_taken` means another of the user's channels has the name. */
export function renameChannel({ id, name }: RenameInput): Promise<Channel> {
  return call(api.PATCH("/api/v1/channels/{id}", { params: { path: { id } }, body: { name } })) as Promise<Channel>;
}

export function useRenameChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: renameChannel,
    onSuccess: (channel) => storeChannel(queryClient, channel),
  });
}
