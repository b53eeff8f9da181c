import type { components, paths } from "@/api/generated/schema";

type Schemas = components["schemas"];

export type Post = Schemas["Post"];
export type PostTarget = Schemas["PostTarget"];
export type TargetEvent = Schemas["TargetEvent"];
export type Content = Schemas["Content"];
export type Part = Schemas["Part"];
export type MediaRef = Schemas["MediaRef"];
export type Media = Schemas["Media"];
export type Platform = Schemas["Platform"];
export type Schedule = Schemas["Schedule"];
export type ScheduleMode = Schemas["ScheduleMode"];
export type CreatePostRequest = Schemas["CreatePostRequest"];
export type UpdatePostRequest = Schemas["UpdatePostRequest"];
export type ImportResult = Schemas["ImportResult"];
export type ImportRow = Schemas["ImportRow"];
export type ResolvedTime = Schemas["ResolvedTime"];
export type CheckResult = Schemas["CheckResult"];
export type Violation = Schemas["Violation"];
export type WebhookFormat = Schemas["WebhookFormat"];

/** The document lists the server's IANA names as an enum; pickers offer the browser's list. */
export type ZoneName = NonNullable<Schedule["timezone"]>;

export type PostFilters = NonNullable<paths["/api/v1/posts"]["get"]["parameters"]["query"]>;

export const TARGET_STATES = ["draft", "scheduled", "publishing", "published", "failed", "unconfirmed"] as const;
/** A target's state (the document types it as a plain string). */
export type TargetState = (typeof TARGET_STATES)[number];

export function isTargetState(value: string | null | undefined): value is TargetState {
  return (TARGET_STATES as readonly string[]).includes(value ?? "");
}

/**
 * What the publishing pages need to know about a channel. The routes pass the
 * Channels feature's list in (features do not import each other); its `Channel`
 * fits this shape.
 */
export interface ChannelInfo {
  id: string;
  platform: Platform;
  handle: string;
  status: string;
  paused_at?: string | null;
  settings?: Record<string, unknown>;
  /** Sends in a row that failed; with `status: "failing"` after three. */
  consecutive_failures?: number;
  last_error?: string | null;
}
