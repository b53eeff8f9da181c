"use client";

import { useMemo, type Ref, type SelectHTMLAttributes } from "react";
import { SelectField } from "@/components/ui/field";
import { groupTimeZones, listTimeZones, utcOffset } from "@/lib/timezones";

/** A time zone picker (the browser's IANA list, grouped by region), always offering `include`. */
export function ZoneSelect({ label = "Time zone", include, hint, error, ref, ...select }: Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> & {
  label?: string;
  include: readonly string[];
  hint?: string;
  error?: string;
  ref?: Ref<HTMLSelectElement>;
}) {
  const includeKey = include.join("|");
  const groups = useMemo(() => {
    const zones = listTimeZones();
    for (const z of includeKey.split("|")) if (z && !zones.includes(z)) zones.unshift(z);
    return groupTimeZones(zones);
  }, [includeKey]);
  const now = useMemo(() => new Date(), []);
  return (
    <SelectField label={label} hint={hint} error={error} ref={ref} {...select}>
      {groups.map((group) => (
        <optgroup key={group.region} label={group.region}>
          {group.zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll("_", " ")} ({utcOffset(zone, now)})
            </option>
          ))}
        </optgroup>
      ))}
    </SelectField>
  );
}
