"use client";

import { useId } from "react";
import { useFieldArray, useFormContext, useWatch, type FieldError } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Icon } from "@/components/ui/icons";
import { Notice } from "@/components/ui/notice";
import { cn } from "@/lib/cn";
import type { Platform, WebhookFormat } from "../../api/types";
import { serverSentence, subjectOf } from "../../lib/compose";
import { emptyPart, type ComposerValues } from "../../schemas";
import { TextCounter } from "../text-counter";
import { MediaField } from "./media-field";

export interface CounterTarget {
  platform: Platform;
  max: number | null;
  /** A webhook channel's format: its receiver sets the limit. */
  format: WebhookFormat | null;
  label: string;
}

type PartsPath = "parts" | `variants.${number}.parts`;

/**
 * The text of a post (the shared content or one channel's variant): one part, or a
 * thread of several with add/remove, each with its images and a live counter per
 * platform it goes to.
 */
export function ContentEditor({ name, serverPrefix, counters, serverErrors, title }: {
  name: PartsPath;
  /** `content` or `variants.<channel id>`: where the server files its messages. */
  serverPrefix: string;
  counters: CounterTarget[];
  serverErrors: Readonly<Record<string, string>>;
  /** What this editor is for, e.g. "all channels" or "alice.bsky.social". */
  title: string;
}) {
  const { control } = useFormContext<ComposerValues>();
  const { fields, append, remove, insert } = useFieldArray({ control, name, keyName: "key" });
  // Watched here, not per part: a part's own subscription starts after it mounts and
  // would miss a change made right away (e.g. text pasted into a part just added).
  const parts = useWatch({ control, name });
  const general = [serverPrefix, `${serverPrefix}.parts`]
    .map((k) => (serverErrors[k] ? serverSentence(subjectOf(k), serverErrors[k]) : null))
    .filter((m): m is string => Boolean(m));
  const thread = fields.length > 1;

  return (
    <div className="space-y-4">
      {general.length > 0 && (
        <Notice tone="error" testId="content-error">
          {general.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </Notice>
      )}
      <ol className="space-y-4">
        {fields.map((field, i) => (
          <li key={field.key} className={cn(thread && "relative rounded-lg border border-line p-3")}>
            <PartEditor
              name={name}
              index={i}
              text={parts?.[i]?.text ?? ""}
              count={fields.length}
              serverKey={`${serverPrefix}.parts[${i}]`}
              serverErrors={serverErrors}
              counters={counters}
              title={title}
              onRemove={thread ? () => remove(i) : undefined}
              onAddAfter={fields.length < 25 ? () => insert(i + 1, emptyPart(), { shouldFocus: true }) : undefined}
            />
          </li>
        ))}
      </ol>
      {!thread && (
        <Button variant="ghost" size="sm" onClick={() => append(emptyPart(), { shouldFocus: true })}>
          <Icon name="plus" className="size-4" />
          Add a part (make a thread)
        </Button>
      )}
    </div>
  );
}

function PartEditor({ name, index, text, count, serverKey, serverErrors, counters, title, onRemove, onAddAfter }: {
  name: PartsPath;
  index: number;
  text: string;
  count: number;
  serverKey: string;
  serverErrors: Readonly<Record<string, string>>;
  counters: CounterTarget[];
  title: string;
  onRemove?: () => void;
  onAddAfter?: () => void;
}) {
  const { register, formState } = useFormContext<ComposerValues>();
  const id = useId();
  const textPath = `${name}.${index}.text` as `parts.${number}.text`;
  const clientError = errorAt(formState.errors, textPath);
  const serverError = serverErrors[`${serverKey}.text`] ?? serverErrors[serverKey];
  const error = clientError ?? (serverError ? serverSentence(subjectOf(`${serverKey}.text`), serverError) : undefined);
  const thread = count > 1;
  const label = thread ? `Part ${index + 1} of ${count}` : "Post text";
  const fullLabel = title === "all channels" ? label : `${label} for ${title}`;
  const describedBy = [error ? `${id}-error` : null, `${id}-counters`].filter(Boolean).join(" ");

  return (
    <div className="space-y-2">
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={id} className="text-sm font-medium text-fg">
          {label}
          {title !== "all channels" && <span className="sr-only"> for {title}</span>}
        </label>
        {onRemove && (
          <button
            type="button"
            onClick={onRemove}
            className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-muted hover:bg-subtle hover:text-danger"
            aria-label={`Remove ${fullLabel.toLowerCase()}`}
          >
            <Icon name="trash" className="size-3.5" />
            Remove part
          </button>
        )}
      </div>
      <textarea
        id={id}
        rows={thread ? 4 : 6}
        className={cn(
          "block w-full resize-y rounded-lg border bg-surface px-3 py-2 text-fg shadow-xs placeholder:text-muted/80 hover:border-line-strong focus-visible:border-ring",
          error ? "border-danger" : "border-line",
        )}
        placeholder={index === 0 ? "What do you want to share?" : "Continue the thread…"}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...register(textPath)}
      />
      {error && (
        <p id={`${id}-error`} className="flex items-start gap-1.5 text-sm text-danger" data-field-error>
          <Icon name="alert" className="mt-0.5 size-4 shrink-0" />
          <span>{error}</span>
        </p>
      )}
      <div id={`${id}-counters`} className="flex flex-wrap gap-x-4 gap-y-1" data-testid="counters">
        {counters.length === 0 ? (
          <span className="text-xs text-muted">Pick a channel to see its length limit.</span>
        ) : (
          counters.map((c) => <TextCounter key={`${c.platform}-${c.max ?? ""}-${c.format ?? ""}-${c.label}`} platform={c.platform} text={text} maxOverride={c.max} format={c.format} label={c.label} />)
        )}
      </div>
      <MediaField
        name={`${name}.${index}.media` as `parts.${number}.media`}
        serverKey={serverKey}
        serverErrors={serverErrors}
        label={fullLabel.toLowerCase()}
      />
      {thread && onAddAfter && (
        <button type="button" onClick={onAddAfter} className="inline-flex items-center gap-1 text-xs font-medium text-accent-text hover:underline">
          <Icon name="plus" className="size-3.5" />
          Add a part after this one
        </button>
      )}
    </div>
  );
}

/** A nested field's client-side message, by dotted path. */
function errorAt(errors: unknown, path: string): string | undefined {
  let node: unknown = errors;
  for (const key of path.split(".")) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  const message = (node as FieldError | undefined)?.message;
  return typeof message === "string" ? message : undefined;
}
