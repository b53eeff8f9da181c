import type { components } from "@/api/generated/schema";

type Schemas = components["schemas"];

/**
 * `settings` is a free-form object in the document, which openapi-typescript renders
 * as `Record<string, never>`; widen it so its keys can be read (e.g. `format`).
 */
export type Channel = Omit<Schemas["Channel"], "settings"> & { settings: Record<string, unknown> };
export type Platform = Schemas["Platform"];
export type ConnectChannelRequest = Schemas["ConnectChannelRequest"];
export type ConnectChannelResponse = Omit<Schemas["ConnectChannelResponse"], "channel"> & { channel: Channel };
export type AppNotification = Schemas["Notification"];
