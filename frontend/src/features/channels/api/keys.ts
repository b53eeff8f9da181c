export const channelKeys = {
  all: ["channels"] as const,
  list: () => [...channelKeys.all, "list"] as const,
  /** Which platforms this server can connect (its configuration, not the user's data). */
  platforms: () => ["channel-platforms"] as const,
  /** A channel's weekly queue slots (and its next free one). */
  slots: (id: string) => [...channelKeys.all, "slots", id] as const,
};
