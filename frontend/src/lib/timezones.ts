/** IANA time zone helpers built on Intl (no time zone database shipped to the browser). */

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

const FALLBACK_ZONES = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney"];

/** Every IANA zone the browser knows, sorted, always including UTC. */
export function listTimeZones(): string[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = FALLBACK_ZONES;
  }
  const set = new Set(zones);
  set.add("UTC");
  return [...set].sort((a, b) => a.localeCompare(b));
}

export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Groups zones by their region prefix ("America/New_York" → "America"). */
export function groupTimeZones(zones: readonly string[]): Array<{ region: string; zones: string[] }> {
  const groups = new Map<string, string[]>();
  for (const zone of zones) {
    const region = zone.includes("/") ? (zone.split("/", 1)[0] ?? "Other") : "Other";
    const list = groups.get(region) ?? [];
    list.push(zone);
    groups.set(region, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === "Other" ? -1 : b === "Other" ? 1 : a.localeCompare(b)))
    .map(([region, list]) => ({ region, zones: list }));
}

/** "UTC+05:30" style offset of the zone at the given instant. */
export function utcOffset(zone: string, at: Date = new Date()): string {
  try {
    const part = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
      .formatToParts(at)
      .find((p) => p.type === "timeZoneName")?.value;
    if (!part || part === "GMT") return "UTC+00:00";
    return part.replace("GMT", "UTC");
  } catch {
    return "";
  }
}

/** A human label: "America/New_York" → "New York (America) · UTC-05:00". */
export function timeZoneLabel(zone: string, at: Date = new Date()): string {
  const offset = utcOffset(zone, at);
  const city = zone.includes("/") ? zone.slice(zone.lastIndexOf("/") + 1).replaceAll("_", " ") : zone;
  return offset ? `${city} · ${offset}` : city;
}

/** Local wall-clock time in the zone, e.g. "14:05". */
export function wallClock(zone: string, at: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit" }).format(at);
  } catch {
    return "";
  }
}
