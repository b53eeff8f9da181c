"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod/mini";
import { ApiError, errorMessage } from "@/api/errors";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { Icon } from "@/components/ui/icons";
import { Notice } from "@/components/ui/notice";
import { cn } from "@/lib/cn";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { parseLocal } from "@/lib/zoned-time";
import { useResolveSchedule } from "../api/resolve-schedule";
import type { ResolvedTime } from "../api/types";
import { describeResolution, nextFullHour } from "../lib/schedule";
import { ZoneSelect } from "./zone-select";

const scheduleSchema = z.object({
  date: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, "Pick a date.")),
  time: z.string().check(z.regex(/^\d{2}:\d{2}$/, "Pick a time.")),
  timezone: z.string().check(z.minLength(1, "Pick a time zone.")),
});
type ScheduleInput = z.infer<typeof scheduleSchema>;

export interface ScheduleChoice {
  /** `YYYY-MM-DDTHH:MM` */
  local: string;
  timezone: string;
  resolved: ResolvedTime | undefined;
}

/**
 * Date + time in a zone (the user's by default). Every change asks schedule_resolve
 * how the wall time maps to an instant and shows it, with the DST rule in words when
 * the time falls in a gap or an overlap, before anything is saved.
 */
export function ScheduleDialog({
  open,
  onClose,
  title = "Schedule",
  description,
  confirmLabel = "Schedule",
  initialLocal,
  defaultZone,
  onConfirm,
  error,
  busy = false,
  testId = "schedule-dialog",
  children,
}: {
  open: boolean;
  onClose: () => void;
  title?: string;
  description?: ReactNode;
  confirmLabel?: string;
  /** `YYYY-MM-DDTHH:MM` to start from (default: the next full hour). */
  initialLocal?: string | null;
  defaultZone: string;
  onConfirm: (choice: ScheduleChoice) => void | Promise<void>;
  /** The server's answer to the save, shown in the dialog (e.g. "is in the past"). */
  error?: string | null;
  busy?: boolean;
  testId?: string;
  children?: ReactNode;
}) {
  return (
    <Dialog open={open} onClose={onClose} title={title} description={description} testId={testId} busy={busy}>
      {open && (
        <ScheduleForm
          initialLocal={initialLocal}
          defaultZone={defaultZone}
          onConfirm={onConfirm}
          onCancel={onClose}
          confirmLabel={confirmLabel}
          error={error}
          busy={busy}
        >
          {children}
        </ScheduleForm>
      )}
    </Dialog>
  );
}

function ScheduleForm({ initialLocal, defaultZone, onConfirm, onCancel, confirmLabel, error, busy, children }: {
  initialLocal?: string | null;
  defaultZone: string;
  onConfirm: (choice: ScheduleChoice) => void | Promise<void>;
  onCancel: () => void;
  confirmLabel: string;
  error?: string | null;
  busy: boolean;
  children?: ReactNode;
}) {
  const initial = useMemo(() => {
    const parsed = initialLocal ? parseLocal(initialLocal) : null;
    if (parsed && initialLocal) return { date: initialLocal.slice(0, 10), time: initialLocal.slice(11, 16) };
    return nextFullHour(defaultZone);
  }, [initialLocal, defaultZone]);
  const { register, handleSubmit, watch, formState } = useForm<ScheduleInput>({
    resolver: zodResolver(scheduleSchema),
    defaultValues: { ...initial, timezone: defaultZone },
  });
  const [date, time, timezone] = watch(["date", "time", "timezone"]);
  const candidate = /^\d{4}-\d{2}-\d{2}$/.test(date) && /^\d{2}:\d{2}$/.test(time) ? `${date}T${time}` : null;
  const local = useDebouncedValue(candidate, 250);
  const resolve = useResolveSchedule(local, timezone);
  const settled = local === candidate && !resolve.isFetching;
  const resolved = local && resolve.data && resolve.data.timezone === timezone ? resolve.data : undefined;
  const text = resolved && local ? describeResolution(resolved, local, timezone) : null;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const past = resolved ? Date.parse(resolved.utc) < now - 60_000 : false;
  const resolveError = resolve.isError ? resolveMessage(resolve.error) : null;

  const submit = handleSubmit(async (values) => {
    await onConfirm({ local: `${values.date}T${values.time}`, timezone: values.timezone, resolved });
  });

  return (
    <form onSubmit={submit} noValidate className="space-y-5" aria-label="Choose the date and time">
      {children}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Date" type="date" required data-autofocus error={formState.errors.date?.message} {...register("date")} />
        <TextField label="Time" type="time" required error={formState.errors.time?.message} {...register("time")} />
      </div>
      <ZoneSelect
        include={[defaultZone]}
        hint={timezone === defaultZone ? "Your account's time zone." : `Your account uses ${defaultZone.replaceAll("_", " ")}.`}
        error={formState.errors.timezone?.message}
        {...register("timezone")}
      />

      <div aria-live="polite" data-testid="schedule-resolution" data-kind={text?.kind ?? ""} className="min-h-12">
        {resolveError ? (
          <Notice tone="error">
            <p>{resolveError}</p>
          </Notice>
        ) : text ? (
          <div
            className={cn(
              "space-y-1.5 rounded-lg border px-3.5 py-3 text-sm",
              text.dst ? "border-warn-text/30 bg-warn-soft text-warn-text" : "border-line bg-subtle text-fg",
            )}
            aria-busy={!settled || undefined}
          >
            <p className="flex items-start gap-2">
              <Icon name={text.dst ? "warning" : "clock"} className="mt-0.5 size-4 shrink-0" />
              <span>
                {text.dst ? <strong className="font-semibold">{text.dst}</strong> : <>Goes out <strong className="font-semibold">{text.when}</strong>.</>}
              </span>
            </p>
            {text.dst && (
              <p className="pl-6 text-xs" data-testid="schedule-server-message">
                {text.server}
              </p>
            )}
            {past && (
              <p className="pl-6 font-medium text-danger" data-testid="schedule-past">
                That time has already passed: pick a later one, or publish now.
              </p>
            )}
          </div>
        ) : (
          <p className="text-sm text-muted">{candidate ? "Checking the time…" : "Pick a date and a time."}</p>
        )}
      </div>

      {error && (
        <Notice tone="error" live testId="schedule-error">
          <p>{error}</p>
        </Notice>
      )}

      <div className="flex flex-wrap justify-end gap-2 border-t border-line pt-4">
        <Button variant="ghost" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" loading={busy} disabled={!resolved || !settled || Boolean(resolveError)}>
          {confirmLabel}
        </Button>
      </div>
    </form>
  );
}

function resolveMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const first = Object.values(error.fields)[0];
    if (first) return `That time can't be used: ${first}.`;
  }
  return errorMessage(error);
}
