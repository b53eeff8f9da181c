import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "@/api/client";
import type { BlueskyInput, WebhookInput } from "../schemas";
import { channelKeys } from "./keys";
import type { Channel, ConnectChannelRequest, ConnectChannelResponse } from "./types";

export type ConnectInput = ({ platform: "bluesky" } & BlueskyInput) | ({ platform: "webhook" } & WebhookInput);

/** The request body: only the fields of the chosen platform, blanks left out. */
export function connectBody(input: ConnectInput): ConnectChannelRequest {
  if (input.platform === "bluesky") {
    const service = input.service_url.trim();
    return {
      platform: "bluesky",
      identifier: input.identifier.trim(),
      app_password: input.app_password.trim(),
      ...(service ? { service_url: service } : {}),
    };
  }
  return { platform: "webhook", url: input.url.trim(), format: input.format };
}

export function connectChannel(input: ConnectInput): Promise<ConnectChannelResponse> {
  return call(api.POST("/api/v1/channels", { body: connectBody(input) }));
}

export function useConnectChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: connectChannel,
    onSuccess: ({ channel }) => {
      // Only the channel goes into the cache: a webhook secret is shown once and never stored.
      queryClient.setQueryData<Channel[]>(channelKeys.list(), (old) => (old ? [...old, channel] : [channel]));
      void queryClient.invalidateQueries({ queryKey: channelKeys.all });
    },
  });
}
