"use client";

import { useId, useRef, useState, type DragEvent } from "react";
import { useFieldArray, useFormContext, type FieldArrayPath } from "react-hook-form";
import { errorMessage } from "@/api/errors";
import { Icon } from "@/components/ui/icons";
import { cn } from "@/lib/cn";
import { MAX_MEDIA_BYTES, MEDIA_TYPES, useUploadMedia } from "../../api/media";
import { serverSentence, subjectOf } from "../../lib/compose";
import type { ComposerValues } from "../../schemas";

interface Upload {
  key: string;
  name: string;
  fraction: number;
  error: string | null;
  controller: AbortController | null;
}

type MediaPath = Extract<FieldArrayPath<ComposerValues>, `${string}.media`>;

let uploadSeq = 0;

/**
 * A part's images: a file input and a drop zone, an upload progress bar per file, then
 * each image with its alt text. Server messages for `<prefix>.media[j]` show beside it.
 */
export function MediaField({ name, serverKey, serverErrors, label }: {
  name: MediaPath;
  /** `content.parts[0]` or `variants.<id>.parts[0]` */
  serverKey: string;
  serverErrors: Readonly<Record<string, string>>;
  label: string;
}) {
  const { control, register } = useFormContext<ComposerValues>();
  const { fields, append, remove } = useFieldArray({ control, name, keyName: "key" });
  const upload = useUploadMedia();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [over, setOver] = useState(false);

  const patch = (key: string, change: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const addFiles = (files: Iterable<File>) => {
    for (const file of files) {
      const key = `upload-${++uploadSeq}`;
      if (!(MEDIA_TYPES as readonly string[]).includes(file.type)) {
        setUploads((list) => [...list, { key, name: file.name, fraction: 0, error: "Only JPEG, PNG, GIF and WebP images can be attached.", controller: null }]);
        continue;
      }
      if (file.size > MAX_MEDIA_BYTES) {
        setUploads((list) => [...list, { key, name: file.name, fraction: 0, error: "This image is larger than 16 MB.", controller: null }]);
        continue;
      }
      const controller = new AbortController();
      setUploads((list) => [...list, { key, name: file.name, fraction: 0, error: null, controller }]);
      upload(file, (fraction) => patch(key, { fraction }), controller.signal)
        .then((media) => {
          append({ id: media.id, alt: "", url: media.url, filename: media.filename });
          setUploads((list) => list.filter((u) => u.key !== key));
        })
        .catch((error: unknown) => {
          if (error instanceof DOMException && error.name === "AbortError") {
            setUploads((list) => list.filter((u) => u.key !== key));
            return;
          }
          patch(key, { error: errorMessage(error), controller: null });
        });
    }
  };

  const onDrop = (event: DragEvent) => {
    if (!event.dataTransfer.types.includes("Files")) return;
    event.preventDefault();
    setOver(false);
    addFiles(event.dataTransfer.files);
  };

  const groupError = serverErrors[`${serverKey}.media`];

  return (
    <div className="space-y-2">
      <div
        className={cn(
          "flex flex-wrap items-center gap-3 rounded-lg border border-dashed px-3 py-2.5 text-sm transition-colors",
          over ? "border-accent bg-accent-soft" : "border-line-strong/50",
        )}
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes("Files")) return;
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid="media-dropzone"
      >
        <label
          htmlFor={inputId}
          className="inline-flex h-8 cursor-pointer items-center gap-1.5 rounded-lg border border-line bg-surface px-3 font-medium text-fg shadow-xs hover:bg-subtle has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-ring"
        >
          <Icon name="image" className="size-4" />
          Add images
          <span className="sr-only"> to {label}</span>
          <input
            ref={input}
            id={inputId}
            type="file"
            accept={MEDIA_TYPES.join(",")}
            multiple
            className="sr-only"
            onChange={(e) => {
              if (e.target.files) addFiles([...e.target.files]);
              e.target.value = "";
            }}
          />
        </label>
        <span className="text-muted">or drop them here · JPEG, PNG, GIF, WebP up to 16 MB</span>
      </div>

      {groupError && <p className="text-sm text-danger">{serverSentence(subjectOf(`${serverKey}.media`), groupError)}</p>}

      {uploads.length > 0 && (
        <ul className="space-y-2" aria-label="Uploads">
          {uploads.map((u) => (
            <li key={u.key} className="rounded-lg border border-line bg-subtle/50 px-3 py-2 text-sm" data-testid="media-upload">
              <div className="flex items-center justify-between gap-2">
                <span className="min-w-0 truncate text-fg">{u.name}</span>
                {u.error ? (
                  <button type="button" className="text-xs font-medium text-muted hover:text-fg" onClick={() => setUploads((l) => l.filter((x) => x.key !== u.key))}>
                    Dismiss
                  </button>
                ) : (
                  <button type="button" className="text-xs font-medium text-muted hover:text-fg" onClick={() => u.controller?.abort()}>
                    Cancel upload
                  </button>
                )}
              </div>
              {u.error ? (
                <p className="mt-1 text-danger">{u.error}</p>
              ) : (
                <div className="mt-1.5 flex items-center gap-2">
                  <progress
                    max={100}
                    value={Math.round(u.fraction * 100)}
                    aria-label={`Uploading ${u.name}`}
                    className="h-1.5 flex-1 overflow-hidden rounded-full [&::-moz-progress-bar]:bg-accent [&::-webkit-progress-bar]:bg-line [&::-webkit-progress-value]:bg-accent"
                  />
                  <span className="w-9 text-right text-xs text-muted tabular-nums">{Math.round(u.fraction * 100)}%</span>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}

      {fields.length > 0 && (
        <ul className="grid gap-3 sm:grid-cols-2" aria-label={`Images in ${label}`}>
          {fields.map((field, j) => {
            const itemError = serverErrors[`${serverKey}.media[${j}]`];
            const altError = serverErrors[`${serverKey}.media[${j}].alt`];
            const altId = `${inputId}-alt-${j}`;
            return (
              <li key={field.key} className="flex gap-3 rounded-lg border border-line bg-surface p-2" data-testid="media-item">
                <div className="size-20 shrink-0 overflow-hidden rounded-md bg-subtle">
                  {field.url ? (
                    <img src={field.url} alt="" className="size-full object-cover" />
                  ) : (
                    <span className="flex size-full items-center justify-center text-muted">
                      <Icon name="image" className="size-6" />
                    </span>
                  )}
                </div>
                <div className="min-w-0 flex-1 space-y-1">
                  <div className="flex items-start justify-between gap-2">
                    <span className="min-w-0 truncate text-xs text-muted">{field.filename}</span>
                    <button
                      type="button"
                      onClick={() => remove(j)}
                      className="inline-flex size-6 shrink-0 items-center justify-center rounded text-muted hover:bg-subtle hover:text-danger"
                      aria-label={`Remove image ${field.filename}`}
                    >
                      <Icon name="close" className="size-4" />
                    </button>
                  </div>
                  <label htmlFor={altId} className="block text-xs font-medium text-fg">
                    Alt text
                  </label>
                  <input
                    id={altId}
                    className={cn(
                      "block h-8 w-full rounded-md border bg-surface px-2 text-sm text-fg",
                      altError ? "border-danger" : "border-line",
                    )}
                    placeholder="Describe the image"
                    aria-invalid={altError ? true : undefined}
                    {...register(`${name}.${j}.alt` as `parts.${number}.media.${number}.alt`)}
                  />
                  {(itemError || altError) && (
                    <p className="text-xs text-danger">
                      {serverSentence(subjectOf(altError ? `${serverKey}.media[${j}].alt` : `${serverKey}.media[${j}]`), altError ?? itemError ?? "")}
                    </p>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
