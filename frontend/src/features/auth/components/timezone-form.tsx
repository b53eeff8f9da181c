"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import toast from "react-hot-toast";
import type { User } from "@/api/client";
import { Button } from "@/components/ui/button";
import { CardBody, CardFooter } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { groupTimeZones, listTimeZones, searchTimeZones, utcOffset, wallClock } from "@/lib/timezones";
import { useUpdateMe } from "../api/update-me";
import { applyServerError } from "@/lib/server-errors";
import { markTimezoneChosen, suggestedTimezone } from "../lib/timezone-choice";
import { timezoneSchema, type TimezoneInput } from "../schemas";

function optionLabel(zone: string, now: Date): string {
  const offset = utcOffset(zone, now);
  const name = zone.replaceAll("_", " ");
  return offset ? `${name} (${offset})` : name;
}

export function TimezoneForm({ user }: { user: User }) {
  const [suggestion, setSuggestion] = useState(() => suggestedTimezone(user));
  const update = useUpdateMe();
  const now = useMemo(() => new Date(), []);
  const [search, setSearch] = useState("");
  const allZones = useMemo(() => {
    const zones = listTimeZones();
    if (!zones.includes(user.timezone)) zones.unshift(user.timezone);
    return zones;
  }, [user.timezone]);

  const { register, handleSubmit, setError, formState, watch, setValue } = useForm<TimezoneInput>({
    resolver: zodResolver(timezoneSchema),
    defaultValues: { timezone: suggestion ?? user.timezone },
  });
  const selected = watch("timezone");
  const matches = useMemo(() => searchTimeZones(allZones, search, now), [allZones, search, now]);
  // The chosen zone stays in the list whatever the search, so the picker never loses it.
  const groups = useMemo(() => groupTimeZones(matches.includes(selected) ? matches : [selected, ...matches]), [matches, selected]);
  const unsaved = selected !== user.timezone;

  const onSubmit = handleSubmit(async (values) => {
    try {
      const saved = await update.mutateAsync(values);
      markTimezoneChosen(saved.id);
      toast.success(`Time zone saved: ${saved.timezone.replaceAll("_", " ")}.`);
    } catch (error) {
      const message = applyServerError(error, setError, { timezone: "Time zone" });
      if (message) toast.error(message);
    }
  });

  const keepCurrent = () => {
    markTimezoneChosen(user.id);
    setSuggestion(null);
    setValue("timezone", user.timezone);
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <CardBody className="space-y-5">
        {suggestion && (
          <Notice testId="timezone-suggestion">
            <p>
              Your account still uses <strong>UTC</strong>. We selected your browser&apos;s time zone,{" "}
              <strong>{suggestion.replaceAll("_", " ")}</strong>. Save to use it for scheduling.
            </p>
            <Button variant="secondary" size="sm" onClick={keepCurrent}>
              Keep UTC
            </Button>
          </Notice>
        )}
        <dl className="grid gap-1 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-muted">Saved time zone</dt>
          <dd className="font-medium text-fg" data-testid="saved-timezone">
            {user.timezone}
          </dd>
        </dl>
        <TextField
          label="Find a time zone"
          type="search"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            const first = searchTimeZones(allZones, e.target.value, now)[0];
            if (e.target.value.trim() && first) setValue("timezone", first, { shouldDirty: true });
          }}
          placeholder="A city or an offset, e.g. Kolkata or +05:30"
          hint={search.trim() ? (matches.length === 0 ? "No time zone matches. Try a big city nearby." : `${matches.length} match${matches.length === 1 ? "" : "es"}; the first is selected below.`) : undefined}
        />
        <SelectField
          label="Time zone"
          error={formState.errors.timezone?.message}
          hint={selected ? `It is ${wallClock(selected, now)} in ${selected.replaceAll("_", " ")} (${utcOffset(selected, now)}).` : undefined}
          {...register("timezone")}
        >
          {groups.map((group) => (
            <optgroup key={group.region} label={group.region}>
              {group.zones.map((zone) => (
                <option key={zone} value={zone}>
                  {optionLabel(zone, now)}
                </option>
              ))}
            </optgroup>
          ))}
        </SelectField>
      </CardBody>
      <CardFooter>
        {unsaved && <span className="mr-auto text-sm text-muted">Unsaved change</span>}
        <Button type="submit" loading={formState.isSubmitting} disabled={!unsaved}>
          Save time zone
        </Button>
      </CardFooter>
    </form>
  );
}
