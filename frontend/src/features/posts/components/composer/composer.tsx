"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { FormProvider, useFieldArray, useForm, useWatch } from "react-hook-form";
import toast from "react-hot-toast";
import { ApiError, errorMessage } from "@/api/errors";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { Icon } from "@/components/ui/icons";
import { Notice } from "@/components/ui/notice";
import { PageHeader } from "@/components/ui/page-header";
import { PageLoader } from "@/components/ui/spinner";
import { cn } from "@/lib/cn";
import { platformLabel } from "@/lib/platform-names";
import { formatDayKey, formatInZone, displayClock, parseLocal, localString } from "@/lib/zoned-time";
import { useCreatePost } from "../../api/create-post";
import { usePost } from "../../api/get-post";
import { useMediaLibrary } from "../../api/media";
import type { ChannelInfo, Post, Schedule, ZoneName } from "../../api/types";
import { useUpdatePost } from "../../api/update-post";
import {
  contentPrefix,
  createBody,
  counterSpecs,
  duplicateChannels,
  isChannelKey,
  isScheduleKey,
  placedKeys,
  serverSentence,
  subjectOf,
  updateBody,
  valuesFromPost,
} from "../../lib/compose";
import { postDetailHref } from "../../lib/content";
import { clearDraft, hasContent, loadDraft, saveDraft } from "../../lib/composer-draft";
import { isEditable } from "../../lib/states";
import { composerSchema, emptyPart, type ComposerValues } from "../../schemas";
import { currentLocal } from "../reschedule-dialog";
import { ScheduleDialog, type ScheduleChoice } from "../schedule-dialog";
import { ChannelPicker } from "./channel-picker";
import { ContentEditor, type CounterTarget } from "./content-editor";
import { PlatformPreview } from "./platform-preview";

type Mode = "draft" | "now" | "queue" | "local" | "keep";

/** The Compose page: a new post, or `?post=<id>` to edit a saved one. */
export function Composer({ channels, timezone }: { channels: readonly ChannelInfo[]; timezone: string }) {
  const params = useSearchParams();
  const editId = params.get("post");
  // ?at=YYYY-MM-DDTHH:MM (a click on the calendar): the time the Schedule dialog starts at.
  const at = parseLocal(params.get("at") ?? "");
  // Unsaved text from an earlier visit, read once.
  const [kept] = useState(() => (editId ? null : loadDraft()));
  const post = usePost(editId);
  const media = useMediaLibrary(Boolean(editId));

  if (!editId) {
    return (
      <ComposerForm
        channels={channels}
        timezone={timezone}
        original={null}
        initialAt={at ? localString(at) : null}
        restored={kept !== null}
        initial={
          kept
            ? { ...kept, channelIds: kept.channelIds.filter((id) => channels.some((c) => c.id === id)) }
            : { channelIds: channels.length === 1 && channels[0] ? [channels[0].id] : [], parts: [emptyPart()], link: "", variants: [] }
        }
      />
    );
  }
  if (post.isPending || media.isPending) return <PageLoader label="Loading the post…" />;
  if (post.isError) {
    return (
      <>
        <PageHeader title="Edit post" />
        <Notice tone="error">
          <p>{post.error instanceof ApiError && post.error.status === 404 ? "This post doesn't exist, or it isn't yours." : errorMessage(post.error)}</p>
        </Notice>
      </>
    );
  }
  const byId = new Map((media.data ?? []).map((m) => [m.id, { id: m.id, alt: "", url: m.url, filename: m.filename }]));
  return (
    <ComposerForm
      key={post.data.id}
      channels={channels}
      timezone={timezone}
      original={post.data}
      initial={valuesFromPost(post.data, (id) => byId.get(id))}
    />
  );
}

interface Duplicate {
  values: ComposerValues;
  mode: Mode;
  schedule: Schedule | null;
  handles: string[];
}

function ComposerForm({ channels, timezone, original, initial, initialAt = null, restored = false }: {
  channels: readonly ChannelInfo[];
  timezone: string;
  original: Post | null;
  initial: ComposerValues;
  /** A local time to schedule at (from the calendar). */
  initialAt?: string | null;
  /** The text came back from this browser's autosave. */
  restored?: boolean;
}) {
  const router = useRouter();
  const create = useCreatePost();
  const update = useUpdatePost();
  const form = useForm<ComposerValues>({ resolver: zodResolver(composerSchema), defaultValues: initial });
  const { control, register, handleSubmit, formState } = form;
  const variants = useFieldArray({ control, name: "variants", keyName: "key" });
  const values = useWatch({ control }) as ComposerValues;
  const [showRestored, setShowRestored] = useState(restored);
  const savedOnce = useRef(false);

  // A new post's text is kept in this browser while it is written (restored on return,
  // cleared once saved), and leaving the page with unsaved text asks first.
  const unsaved = !savedOnce.current && (original ? formState.isDirty : hasContent(values));
  useEffect(() => {
    if (original || savedOnce.current) return;
    const timer = setTimeout(() => {
      if (!savedOnce.current) saveDraft(values);
    }, 400);
    return () => clearTimeout(timer);
  }, [original, values]);
  useEffect(() => {
    if (!unsaved) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers show this text; current ones show their own question.
      event.returnValue = "You have text that isn't saved yet.";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [unsaved]);
  const discardKept = () => {
    clearDraft();
    setShowRestored(false);
    form.reset({ channelIds: channels.length === 1 && channels[0] ? [channels[0].id] : [], parts: [emptyPart()], link: "", variants: [] });
  };
  const [tab, setTab] = useState<string | null>(null);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState<Mode | null>(null);
  const [scheduling, setScheduling] = useState(false);
  const [scheduleError, setScheduleError] = useState<string | null>(null);
  const [duplicate, setDuplicate] = useState<Duplicate | null>(null);

  // A saved post's channels, even one since disconnected, so the picker shows them.
  const knownChannels = useMemo(() => {
    const list = [...channels];
    for (const t of original?.targets ?? []) {
      if (!list.some((c) => c.id === t.channel_id) && t.platform) {
        list.push({ id: t.channel_id, platform: t.platform, handle: t.handle ?? "Disconnected channel", status: "needs_reconnect" });
      }
    }
    return list;
  }, [channels, original]);
  const channelOf = (id: string) => knownChannels.find((c) => c.id === id);
  const selected = (values.channelIds ?? []).map(channelOf).filter((c): c is ChannelInfo => Boolean(c));
  const variantIds = new Set((values.variants ?? []).map((v) => v.channelId));
  const editable = original ? original.targets.some(isEditable) : true;

  const counterFor = (list: ChannelInfo[]): CounterTarget[] => counterSpecs(list);

  const labelFor = (c: ChannelInfo) =>
    selected.filter((o) => o.platform === c.platform).length > 1 ? c.handle : platformLabel(c.platform);

  const customize = (c: ChannelInfo) => {
    const main = form.getValues("parts");
    variants.append({ channelId: c.id, parts: main.map((p) => ({ text: p.text, media: p.media.map((m) => ({ ...m })) })) });
    setTab(c.id);
  };

  const removeVariant = (channelId: string) => {
    const index = (form.getValues("variants") ?? []).findIndex((v) => v.channelId === channelId);
    if (index >= 0) variants.remove(index);
    setTab((t) => (t === channelId ? null : t));
  };

  const scheduleFor = (mode: Mode, choice?: ScheduleChoice): Schedule | null => {
    switch (mode) {
      case "keep":
        return null;
      case "local":
        return { mode: "local", local: choice?.local ?? null, timezone: (choice?.timezone ?? timezone) as ZoneName };
      default:
        return { mode };
    }
  };

  const save = async (formValues: ComposerValues, mode: Mode, schedule: Schedule | null, allowDuplicate: boolean) => {
    setServerErrors({});
    setFormError(null);
    setScheduleError(null);
    setSaving(mode);
    try {
      const saved = original
        ? await update.mutateAsync({ id: original.id, body: updateBody(formValues, original, schedule, allowDuplicate) })
        : await create.mutateAsync(createBody(formValues, schedule ?? { mode: "draft" }, allowDuplicate));
      toast.success(successMessage(mode, saved, timezone, Boolean(original)));
      if (saved.schedule_note) toast(saved.schedule_note, { icon: "🕑", duration: 8000 });
      setScheduling(false);
      setDuplicate(null);
      savedOnce.current = true;
      if (!original) clearDraft();
      router.push(postDetailHref(saved.id));
    } catch (error) {
      const handles = duplicateChannels(error);
      if (handles.length > 0 || (error instanceof ApiError && error.code === "duplicate_post")) {
        setScheduling(false);
        setDuplicate({ values: formValues, mode, schedule, handles: handles.map((id) => channelOf(id)?.handle ?? "a channel") });
        return;
      }
      placeError(error, formValues, mode === "local");
    } finally {
      setSaving(null);
    }
  };

  /** Puts each server message next to its input; what fits nowhere goes above the actions. */
  const placeError = (error: unknown, formValues: ComposerValues, inDialog: boolean) => {
    if (!(error instanceof ApiError) || Object.keys(error.fields).length === 0) {
      if (inDialog) setScheduleError(errorMessage(error));
      else setFormError(errorMessage(error));
      return;
    }
    const placed = placedKeys(formValues);
    const fields = error.fields;
    const schedule: string[] = [];
    const elsewhere: string[] = [];
    for (const [key, message] of Object.entries(fields)) {
      if (isScheduleKey(key)) schedule.push(serverSentence(subjectOf(key), message));
      else if (!placed.has(key) && !isChannelKey(key)) elsewhere.push(serverSentence(subjectOf(key), message));
    }
    setServerErrors(fields);
    if (schedule.length && inDialog) setScheduleError(schedule.join(" "));
    else if (schedule.length) elsewhere.unshift(...schedule);
    const contentKeys = Object.keys(fields).filter((k) => !isScheduleKey(k) && !isChannelKey(k));
    if (contentKeys.length) {
      setScheduling(false);
      // Show the first editor with a problem.
      const variant = contentKeys.find((k) => k.startsWith("variants."))?.split(".")[1]?.replace(/\[.*$/, "");
      setTab(contentKeys.some((k) => k.startsWith("content")) ? null : (variant ?? null));
    }
    setFormError(elsewhere.length ? elsewhere.join(" ") : contentKeys.length ? "Some channels can't take this post as it is: see the messages above." : null);
  };

  const run = (mode: Mode, choice?: ScheduleChoice) =>
    handleSubmit(
      (v) => save(v, mode, scheduleFor(mode, choice), false),
      () => {
        setScheduling(false);
        setFormError("Fix the highlighted fields first.");
      },
    )();

  const channelError = formState.errors.channelIds?.message ??
    Object.entries(serverErrors).filter(([k]) => isChannelKey(k)).map(([k, m]) => serverSentence(subjectOf(k), m))[0];
  const activeVariantIndex = (values.variants ?? []).findIndex((v) => v.channelId === tab);
  const activeVariant = activeVariantIndex >= 0 ? channelOf(tab ?? "") : undefined;
  const errorCount = (prefix: string) => Object.keys(serverErrors).filter((k) => k === prefix || k.startsWith(`${prefix}.`)).length;

  return (
    <FormProvider {...form}>
      <PageHeader
        title={original ? "Edit post" : "Compose"}
        description={
          original ? (
            <>
              Changes apply to every channel not yet published. <Link href={postDetailHref(original.id)} className="font-medium text-accent-text underline">Back to the post</Link>
            </>
          ) : (
            "Write once, adjust per channel, then publish, queue or schedule it."
          )
        }
      />
      {showRestored && (
        <Notice tone="info" className="mb-6" testId="draft-restored">
          <p>
            We brought back the text you hadn&apos;t saved yet.{" "}
            <button type="button" className="font-medium underline" onClick={discardKept}>
              Start over
            </button>
          </p>
        </Notice>
      )}
      {initialAt && !original && (
        <Notice tone="info" className="mb-6" testId="compose-at">
          <p>
            For {formatDayKey(initialAt.slice(0, 10), { weekday: "long", day: "numeric", month: "long" })}, {displayClock(parseLocal(initialAt) ?? { hour: 0, minute: 0 })}: write
            the post, then choose Schedule… (the time is filled in).
          </p>
        </Notice>
      )}
      {!editable && (
        <Notice tone="warn" className="mb-6">
          <p>Every channel of this post is published or publishing, so it can&apos;t be changed.</p>
        </Notice>
      )}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void run(original ? "keep" : "draft");
        }}
        aria-label={original ? "Edit post" : "New post"}
        className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]"
      >
        <div className="space-y-6">
          <section className="space-y-5 rounded-xl border border-line bg-surface p-4 shadow-xs sm:p-5">
            <ChannelPicker channels={knownChannels} locked={Boolean(original)} error={channelError} onRemoved={removeVariant} />
          </section>

          <section className="rounded-xl border border-line bg-surface shadow-xs" aria-label="Post content">
            <div className="flex flex-wrap items-end gap-1 border-b border-line px-3 pt-3" role="tablist" aria-label="Content per channel">
              <TabButton id={null} active={tab === null} onSelect={setTab} errors={errorCount("content")}>
                All channels
              </TabButton>
              {(values.variants ?? []).map((v) => {
                const c = channelOf(v.channelId);
                return (
                  <TabButton key={v.channelId} id={v.channelId} active={tab === v.channelId} onSelect={setTab} errors={errorCount(contentPrefix(v.channelId))}>
                    {c ? c.handle : "Channel"}
                  </TabButton>
                );
              })}
            </div>
            <div className="space-y-5 p-4 sm:p-5" role="tabpanel" id="composer-panel" aria-label={activeVariant ? `Text for ${activeVariant.handle}` : "Text for all channels"}>
              {activeVariant && activeVariantIndex >= 0 ? (
                <>
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <p className="text-sm text-muted">
                      Only <strong className="font-medium text-fg">{activeVariant.handle}</strong> ({platformLabel(activeVariant.platform)}) gets this text.
                    </p>
                    <Button variant="ghost" size="sm" onClick={() => removeVariant(activeVariant.id)}>
                      <Icon name="trash" className="size-4" />
                      Use the shared text
                    </Button>
                  </div>
                  <ContentEditor
                    key={activeVariant.id}
                    name={`variants.${activeVariantIndex}.parts`}
                    serverPrefix={contentPrefix(activeVariant.id)}
                    counters={counterFor([activeVariant])}
                    serverErrors={serverErrors}
                    title={activeVariant.handle}
                  />
                </>
              ) : (
                <>
                  <ContentEditor
                    name="parts"
                    serverPrefix="content"
                    counters={counterFor(selected.filter((c) => !variantIds.has(c.id)))}
                    serverErrors={serverErrors}
                    title="all channels"
                  />
                  <TextField
                    label="Link (optional)"
                    type="url"
                    inputMode="url"
                    placeholder="https://example.com/article"
                    hint="Platforms with link cards show it as one; the others add it to the text."
                    error={formState.errors.link?.message ?? (serverErrors["content.link"] ? serverSentence("The link", serverErrors["content.link"]) : undefined)}
                    {...register("link")}
                  />
                  {selected.filter((c) => !variantIds.has(c.id)).length > 0 && selected.length > 1 && (
                    <div className="flex flex-wrap items-center gap-2 border-t border-line pt-4">
                      <span className="text-sm text-muted">Different text for one channel?</span>
                      {selected
                        .filter((c) => !variantIds.has(c.id))
                        .map((c) => (
                          <Button key={c.id} variant="secondary" size="sm" onClick={() => customize(c)}>
                            Customize for {labelFor(c)}…
                          </Button>
                        ))}
                    </div>
                  )}
                  {selected.length === 1 && selected[0] && !variantIds.has(selected[0].id) && (
                    <p className="text-xs text-muted">Add more channels to give each its own version of the text.</p>
                  )}
                </>
              )}
            </div>
          </section>

          {formError && (
            <Notice tone="error" live testId="composer-error">
              <p>{formError}</p>
            </Notice>
          )}

          <div className="sticky bottom-0 z-10 -mx-4 flex flex-wrap items-center justify-end gap-2 border-t border-line bg-canvas/95 px-4 py-3 backdrop-blur sm:static sm:mx-0 sm:rounded-xl sm:border sm:bg-surface sm:px-4 sm:shadow-xs" data-testid="composer-actions">
            {original ? (
              <>
                <Button variant="ghost" onClick={() => void run("draft")} loading={saving === "draft"} disabled={!editable || saving !== null}>
                  Save as draft
                </Button>
                <Button variant="secondary" onClick={() => void run("queue")} loading={saving === "queue"} disabled={!editable || saving !== null}>
                  Add to queue
                </Button>
                <Button variant="secondary" onClick={() => setScheduling(true)} disabled={!editable || saving !== null}>
                  <Icon name="clock" className="size-4" />
                  Schedule…
                </Button>
                <Button variant="secondary" onClick={() => void run("now")} loading={saving === "now"} disabled={!editable || saving !== null}>
                  <Icon name="send" className="size-4" />
                  Publish now
                </Button>
                <Button type="submit" loading={saving === "keep"} disabled={!editable || saving !== null}>
                  Save changes
                </Button>
              </>
            ) : (
              <>
                <Button type="submit" variant="ghost" loading={saving === "draft"} disabled={saving !== null}>
                  Save draft
                </Button>
                <Button variant="secondary" onClick={() => void run("queue")} loading={saving === "queue"} disabled={saving !== null}>
                  Add to queue
                </Button>
                <Button variant="secondary" onClick={() => setScheduling(true)} disabled={saving !== null}>
                  <Icon name="clock" className="size-4" />
                  Schedule…
                </Button>
                <Button onClick={() => void run("now")} loading={saving === "now"} disabled={saving !== null}>
                  <Icon name="send" className="size-4" />
                  Publish now
                </Button>
              </>
            )}
          </div>
        </div>

        <aside className="space-y-3 lg:sticky lg:top-20" aria-label="Previews">
          <h2 className="text-sm font-semibold text-fg">Preview</h2>
          {selected.length === 0 ? (
            <p className="rounded-xl border border-dashed border-line-strong/60 px-4 py-6 text-center text-sm text-muted">
              Pick a channel to see how the post will look there.
            </p>
          ) : (
            selected.map((c) => {
              const v = (values.variants ?? []).find((x) => x.channelId === c.id);
              return <PlatformPreview key={c.id} channel={c} parts={(v?.parts ?? values.parts ?? []) as ComposerValues["parts"]} link={values.link ?? ""} />;
            })
          )}
        </aside>
      </form>

      <ScheduleDialog
        open={scheduling}
        onClose={() => {
          setScheduling(false);
          setScheduleError(null);
        }}
        title={original ? "Reschedule post" : "Schedule post"}
        description={`Pick when it goes out. Times are read in the zone below; your account uses ${timezone.replaceAll("_", " ")}.`}
        confirmLabel="Schedule"
        initialLocal={original ? currentLocal(original, timezone) : initialAt}
        defaultZone={timezone}
        onConfirm={(choice) => run("local", choice)}
        error={scheduleError}
        busy={saving === "local"}
      />

      <Dialog
        open={duplicate !== null}
        onClose={() => setDuplicate(null)}
        title="Post the same text again?"
        testId="duplicate-dialog"
        footer={
          <>
            <Button variant="ghost" onClick={() => setDuplicate(null)}>
              Go back
            </Button>
            <Button
              loading={saving !== null}
              onClick={() => duplicate && void save(duplicate.values, duplicate.mode, duplicate.schedule, true)}
            >
              Post anyway
            </Button>
          </>
        }
      >
        <p className="text-sm text-fg" data-testid="duplicate-message">
          You posted the same text to {listOf(duplicate?.handles ?? [])} within 7 days — post anyway?
        </p>
        <p className="mt-2 text-sm text-muted">Some platforms treat repeated posts as spam.</p>
      </Dialog>
    </FormProvider>
  );
}

function TabButton({ id, active, onSelect, errors, children }: {
  id: string | null;
  active: boolean;
  onSelect: (id: string | null) => void;
  errors: number;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      role="tab"
      aria-selected={active}
      aria-controls="composer-panel"
      onClick={() => onSelect(id)}
      className={cn(
        "-mb-px inline-flex max-w-56 items-center gap-1.5 rounded-t-lg border px-3 py-2 text-sm font-medium",
        active ? "border-line border-b-surface bg-surface text-fg" : "border-transparent text-muted hover:text-fg",
      )}
    >
      <span className="truncate">{children}</span>
      {errors > 0 && (
        <span className="inline-flex size-4.5 items-center justify-center rounded-full bg-danger text-[0.65rem] text-white" aria-label={`${errors} problem${errors === 1 ? "" : "s"}`}>
          {errors}
        </span>
      )}
    </button>
  );
}

function listOf(items: string[]): string {
  if (items.length === 0) return "this channel";
  if (items.length === 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function successMessage(mode: Mode, post: Post, timezone: string, edited: boolean): string {
  const at = post.targets.map((t) => t.scheduled_at).filter((t): t is string => Boolean(t)).sort()[0];
  switch (mode) {
    case "draft":
      return "Saved as a draft.";
    case "now":
      return "Publishing now.";
    case "queue":
      return at ? `Added to the queue for ${formatInZone(at, timezone)}.` : "Added to the queue.";
    case "local":
      return at ? `Scheduled for ${formatInZone(at, timezone)}.` : "Scheduled.";
    default:
      return edited ? "Saved your changes." : "Saved.";
  }
}
