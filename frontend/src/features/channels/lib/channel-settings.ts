import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { ApiError } from "@/api/errors";
import { applyServerError } from "@/lib/server-errors";
import type { Channel, MastodonVisibility, Platform } from "../api/types";
import { MASTODON_VISIBILITIES, type MastodonSettingsInput, type RedditSettingsInput } from "../schemas";
import { sentence } from "./health";

/** The platforms whose channels have settings a user may change (channel_settings.rs `user_keys`). */
export type SettingsPlatform = "reddit" | "mastodon";

export function hasPublishingSettings(platform: Platform): platform is SettingsPlatform {
  return platform === "reddit" || platform === "mastodon";
}

export const VISIBILITY_LABELS: Readonly<Record<MastodonVisibility, string>> = {
  public: "Public",
  unlisted: "Unlisted",
  private: "Followers only",
  direct: "Direct",
};

function text(settings: Record<string, unknown>, key: string): string {
  const value = settings[key];
  return typeof value === "string" ? value.trim() : "";
}

/** Reddit's default community is the user's profile, stored as `u_<name>` (or absent). */
function isProfile(subreddit: string): boolean {
  return subreddit === "" || subreddit.startsWith("u_");
}

/** The Reddit editor's starting values: a profile target shows as empty (the default). */
export function redditSettingsValues(settings: Record<string, unknown>): RedditSettingsInput {
  const subreddit = text(settings, "subreddit");
  return { subreddit: isProfile(subreddit) ? "" : subreddit, flair_id: text(settings, "flair_id") };
}

function visibilityOf(settings: Record<string, unknown>): MastodonVisibility {
  const value = text(settings, "visibility");
  return MASTODON_VISIBILITIES.find((v) => v === value) ?? "public";
}

/** The Mastodon editor's starting values: absent keys are the defaults (public, none, none). */
export function mastodonSettingsValues(settings: Record<string, unknown>): MastodonSettingsInput {
  return {
    visibility: visibilityOf(settings),
    spoiler_text: text(settings, "spoiler_text"),
    language: text(settings, "language"),
  };
}

function shorten(value: string, max = 60): string {
  const chars = [...value];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : value;
}

/** One line for the channel card, e.g. "Posts to r/rust · Flair abc" or "Followers only · Language: en". */
export function settingsSummary(channel: Pick<Channel, "platform" | "settings">): string | null {
  const { platform, settings } = channel;
  if (platform === "reddit") {
    const { subreddit, flair_id } = redditSettingsValues(settings);
    const parts = [subreddit ? `Posts to r/${subreddit}` : "Posts to your profile"];
    if (flair_id) parts.push(`Flair ${flair_id}`);
    return parts.join(" · ");
  }
  if (platform === "mastodon") {
    const { visibility, spoiler_text, language } = mastodonSettingsValues(settings);
    const parts = [VISIBILITY_LABELS[visibility]];
    if (spoiler_text) parts.push(`Content warning: “${shorten(spoiler_text)}”`);
    if (language) parts.push(`Language: ${language}`);
    return parts.join(" · ");
  }
  return null;
}

/**
 * Only the fields the user changed: channels_update leaves the others as they are,
 * so a stale form never overwrites a value changed elsewhere. "" clears a key.
 */
export function changedSettings<T extends Record<string, string>>(
  values: T,
  dirty: Partial<Record<keyof T, boolean | undefined>> | undefined,
): Partial<T> {
  const changed: Partial<T> = {};
  for (const key of Object.keys(values) as (keyof T)[]) {
    if (dirty?.[key]) changed[key] = values[key];
  }
  return changed;
}

/** A 409 `conflict`: the channel changed while saving; the user should reload. */
export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && (error.code === "conflict" || error.status === 409);
}

/**
 * Puts a channels_update 422 on the fields it names: the server's `settings.<key>` is
 * the editor's field path, `labels` maps each to its visible label. Messages become
 * sentences. Returns what no field can show (another 4xx/5xx, a key the form lacks).
 */
export function applySettingsError<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  labels: Readonly<Partial<Record<Path<T>, string>>>,
): string | null {
  const setSentence: UseFormSetError<T> = (name, fieldError, options) =>
    setError(name, { ...fieldError, message: fieldError.message ? sentence(fieldError.message) : fieldError.message }, options);
  const message = applyServerError(error, setSentence, labels);
  return message ? sentence(message) : null;
}
