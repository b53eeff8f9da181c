import type { components, paths } from "@/api/generated/schema";

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
/** The publishing settings channels_update accepts: only the keys sent change, "" restores the default. */
export type ChannelSettingsUpdate = Schemas["ChannelSettingsUpdate"];
export type MastodonVisibility = Schemas["MastodonVisibility"];

/** One entry of channels_platforms: how a platform connects and whether this server can. */
export type PlatformInfo = paths["/api/v1/channels/platforms"]["get"]["responses"][200]["content"]["application/json"][number];
/** How a platform connects (the document types `connect` as a plain string). */
export type ConnectMethod = "app_password" | "oauth2_pkce" | "instance_oauth2" | "webhook";
export type OAuthStartRequest = NonNullable<paths["/api/v1/channels/oauth/start"]["post"]["requestBody"]>["content"]["application/json"];
export type OAuthStartResponse = paths["/api/v1/channels/oauth/start"]["post"]["responses"][200]["content"]["application/json"];
