"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useState, type ReactNode } from "react";
import { useForm, type FieldValues, type Path, type UseFormSetError } from "react-hook-form";
import toast from "react-hot-toast";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import type { Channel, ChannelSettingsUpdate, MastodonVisibility } from "../api/types";
import { useUpdateChannelSettings } from "../api/update-channel";
import {
  applySettingsError,
  changedSettings,
  isConflict,
  mastodonSettingsValues,
  redditSettingsValues,
} from "../lib/channel-settings";
import {
  MASTODON_VISIBILITIES,
  SPOILER_MAX,
  mastodonSettingsForm,
  redditSettingsForm,
  type MastodonSettingsForm,
  type RedditSettingsForm,
} from "../schemas";

const CONFLICT = "This channel changed while your settings were saving. Reload the page and try again.";

const VISIBILITY_OPTIONS: Readonly<Record<MastodonVisibility, string>> = {
  public: "Public",
  unlisted: "Unlisted (kept out of public timelines)",
  private: "Followers only",
  direct: "Direct (mentioned accounts only)",
};

interface EditorProps {
  channel: Channel;
  /** Closes the editor (the card puts focus back on its Settings button). */
  onClose: () => void;
}

/** A Reddit or Mastodon channel's publishing settings; nothing for other platforms. */
export function ChannelSettingsEditor({ channel, onClose }: EditorProps) {
  if (channel.platform === "reddit") return <RedditSettings channel={channel} onClose={onClose} />;
  if (channel.platform === "mastodon") return <MastodonSettings channel={channel} onClose={onClose} />;
  return null;
}

/**
 * Sends the changed settings with channels_update: "Settings saved" on success, a
 * 409 `conflict` as a toast asking to reload, a 422's `settings.<key>` on its field.
 */
function useSaveSettings<T extends FieldValues>(
  channelId: string,
  setError: UseFormSetError<T>,
  labels: Readonly<Partial<Record<Path<T>, string>>>,
) {
  const update = useUpdateChannelSettings();
  const [formError, setFormError] = useState<string | null>(null);

  const save = async (settings: ChannelSettingsUpdate): Promise<Channel | null> => {
    setFormError(null);
    try {
      const channel = await update.mutateAsync({ id: channelId, settings });
      toast.success("Settings saved");
      return channel;
    } catch (error) {
      if (isConflict(error)) toast.error(CONFLICT);
      else setFormError(applySettingsError(error, setError, labels));
      return null;
    }
  };
  return { save, formError };
}

function SettingsForm({ formError, busy, dirty, onSubmit, onClose, children, testId }: {
  formError: string | null;
  busy: boolean;
  dirty: boolean;
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
  testId: string;
}) {
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5 px-4 py-4 sm:px-5" data-testid={testId}>
      {formError && (
        <Notice tone="error" live testId="settings-error">
          <p className="break-words">{formError}</p>
        </Notice>
      )}
      {children}
      <div className="flex flex-wrap justify-end gap-2 border-t border-line pt-3">
        <Button variant="ghost" size="sm" onClick={onClose}>
          Close
        </Button>
        <Button type="submit" size="sm" loading={busy} disabled={!dirty}>
          Save settings
        </Button>
      </div>
    </form>
  );
}

const REDDIT_LABELS = { "settings.subreddit": "Community", "settings.flair_id": "Flair id" } as const;

function RedditSettings({ channel, onClose }: EditorProps) {
  const { register, handleSubmit, setError, setFocus, reset, formState } = useForm<RedditSettingsForm>({
    resolver: zodResolver(redditSettingsForm),
    defaultValues: { settings: redditSettingsValues(channel.settings) },
  });
  const { save, formError } = useSaveSettings(channel.id, setError, REDDIT_LABELS);
  const { errors, dirtyFields } = formState;
  const username = typeof channel.settings.username === "string" ? channel.settings.username : null;

  useEffect(() => setFocus("settings.subreddit"), [setFocus]);

  const onSubmit = handleSubmit(async ({ settings }) => {
    const saved = await save(changedSettings(settings, dirtyFields.settings));
    if (saved) reset({ settings: redditSettingsValues(saved.settings) });
  });

  return (
    <SettingsForm
      formError={formError}
      busy={formState.isSubmitting}
      dirty={formState.isDirty}
      onSubmit={onSubmit}
      onClose={onClose}
      testId="reddit-settings"
    >
      <TextField
        label="Community"
        autoCapitalize="none"
        autoComplete="off"
        spellCheck={false}
        placeholder="r/rust"
        hint={
          <>
            LetsGrow checks the community&apos;s rules and required flair before each post. Leave it empty to post to
            your profile{username ? ` (u/${username})` : ""}.
          </>
        }
        error={errors.settings?.subreddit?.message}
        {...register("settings.subreddit")}
      />
      <TextField
        label="Flair id"
        autoCapitalize="none"
        autoComplete="off"
        spellCheck={false}
        hint="For communities that require flair: the flair template's id from the community's flair list. Leave it empty for no flair."
        error={errors.settings?.flair_id?.message}
        {...register("settings.flair_id")}
      />
    </SettingsForm>
  );
}

const MASTODON_LABELS = {
  "settings.visibility": "Visibility",
  "settings.spoiler_text": "Content warning",
  "settings.language": "Language",
} as const;

function MastodonSettings({ channel, onClose }: EditorProps) {
  const { register, handleSubmit, setError, setFocus, reset, watch, formState } = useForm<MastodonSettingsForm>({
    resolver: zodResolver(mastodonSettingsForm),
    defaultValues: { settings: mastodonSettingsValues(channel.settings) },
  });
  const { save, formError } = useSaveSettings(channel.id, setError, MASTODON_LABELS);
  const { errors, dirtyFields } = formState;
  const spoilerLength = [...watch("settings.spoiler_text").trim()].length;

  useEffect(() => setFocus("settings.visibility"), [setFocus]);

  const onSubmit = handleSubmit(async ({ settings }) => {
    const saved = await save(changedSettings(settings, dirtyFields.settings));
    if (saved) reset({ settings: mastodonSettingsValues(saved.settings) });
  });

  return (
    <SettingsForm
      formError={formError}
      busy={formState.isSubmitting}
      dirty={formState.isDirty}
      onSubmit={onSubmit}
      onClose={onClose}
      testId="mastodon-settings"
    >
      <SelectField
        label="Visibility"
        hint="Who sees each post. Followers-only and direct posts can't be boosted."
        error={errors.settings?.visibility?.message}
        {...register("settings.visibility")}
      >
        {MASTODON_VISIBILITIES.map((v) => (
          <option key={v} value={v}>
            {VISIBILITY_OPTIONS[v]}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Content warning"
        autoComplete="off"
        labelAction={
          <span className={spoilerLength > SPOILER_MAX ? "text-xs text-danger" : "text-xs text-muted"} aria-hidden="true">
            {spoilerLength}/{SPOILER_MAX}
          </span>
        }
        hint="Shown before each post; counts toward the instance's character limit. Leave it empty for none."
        error={errors.settings?.spoiler_text?.message}
        {...register("settings.spoiler_text")}
      />
      <TextField
        label="Language"
        autoCapitalize="none"
        autoComplete="off"
        spellCheck={false}
        placeholder="en"
        className="max-w-32"
        hint="The posts' language as an ISO 639 code, like en or de. Leave it empty to let Mastodon decide."
        error={errors.settings?.language?.message}
        {...register("settings.language")}
      />
    </SettingsForm>
  );
}
