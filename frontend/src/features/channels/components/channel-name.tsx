"use client";

import { useId, useRef, useState } from "react";
import toast from "react-hot-toast";
import { ApiError, errorMessage } from "@/api/errors";
import { Button } from "@/components/ui/button";
import { Icon } from "@/components/ui/icons";
import { useRenameChannel } from "../api/update-channel";
import type { Channel } from "../api/types";

/** Longest name the server takes (channels_update's `name`). */
export const MAX_CHANNEL_NAME = 100;

/** What is wrong with a name before asking the server, or null. */
export function nameProblem(name: string): string | null {
  if ([...name.trim()].length > MAX_CHANNEL_NAME) return `Use at most ${MAX_CHANNEL_NAME} characters.`;
  return null;
}

/**
 * The channel's name as its card's heading, with Rename: an inline field, saved
 * with Enter or Save, left with Escape or Cancel. A name another channel has is
 * refused by the server and said under the field.
 */
export function ChannelName({ channel, headingId }: { channel: Channel; headingId: string }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(channel.handle);
  const [error, setError] = useState<string | null>(null);
  const rename = useRenameChannel();
  const renameButton = useRef<HTMLButtonElement>(null);
  const id = useId();

  const close = () => {
    setEditing(false);
    setError(null);
    requestAnimationFrame(() => renameButton.current?.focus());
  };

  const save = async () => {
    const problem = nameProblem(value);
    if (problem) return setError(problem);
    if (value.trim() === channel.handle) return close();
    try {
      const renamed = await rename.mutateAsync({ id: channel.id, name: value.trim() });
      toast.success(`Renamed to ${renamed.handle}.`);
      close();
    } catch (e) {
      setError(e instanceof ApiError && e.code === "channel_name_taken" ? e.message : errorMessage(e));
    }
  };

  if (!editing) {
    return (
      <div className="flex min-w-0 flex-wrap items-center gap-x-2">
        <h3 id={headingId} className="font-semibold break-words text-fg">
          {channel.handle}
        </h3>
        <button
          ref={renameButton}
          type="button"
          className="inline-flex items-center gap-1 rounded-md px-1.5 py-0.5 text-xs font-medium text-muted hover:bg-subtle hover:text-fg"
          aria-label={`Rename ${channel.handle}`}
          onClick={() => {
            setValue(channel.handle);
            setEditing(true);
          }}
        >
          <Icon name="edit" className="size-3.5" />
          Rename
        </button>
      </div>
    );
  }

  return (
    <form
      className="space-y-1"
      aria-label={`Rename ${channel.handle}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3 id={headingId} className="sr-only">
        {channel.handle}
      </h3>
      <label htmlFor={id} className="block text-sm font-medium text-fg">
        Channel name
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <input
          id={id}
          autoFocus
          value={value}
          maxLength={MAX_CHANNEL_NAME + 20}
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === "Escape") close();
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-help${error ? ` ${id}-error` : ""}`}
          className="min-w-0 flex-1 rounded-lg border border-line bg-surface px-2.5 py-1.5 text-sm text-fg shadow-xs focus-visible:border-ring"
        />
        <Button size="sm" type="submit" loading={rename.isPending}>
          Save
        </Button>
        <Button size="sm" variant="ghost" type="button" onClick={close}>
          Cancel
        </Button>
      </div>
      <p id={`${id}-help`} className="text-xs text-muted">
        Shown everywhere and used in the CSV <code>channel</code> column. Leave it empty to use {channel.account_handle}.
      </p>
      {error && (
        <p id={`${id}-error`} className="text-sm text-danger" role="status">
          {error}
        </p>
      )}
    </form>
  );
}
