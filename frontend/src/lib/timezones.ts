/** IANA time zone helpers built on Intl (no time zone database shipped to the browser). */

import { timeOfDay } from "./zoned-time";

export function browserTimeZone(): string {
  try {
    return currentZoneName(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
  } catch {
    return "UTC";
  }
}

const FALLBACK_ZONES = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney"];

/**
 * Old IANA names browsers still list (ICU keeps CLDR's first spelling) → the names
 * the zone database uses today. Both name the same zone; people look for the new one.
 */
export const CURRENT_ZONE_NAMES: Readonly<Record<string, string>> = {
  "Asia/Calcutta": "Asia/Kolkata",
  "Europe/Kiev": "Europe/Kyiv",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "America/Godthab": "America/Nuuk",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Pacific/Truk": "Pacific/Chuuk",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Mendoza": "America/Argentina/Mendoza",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Louisville": "America/Kentucky/Louisville",
  "Asia/Ulan_Bator": "Asia/Ulaanbaatar",
  "Asia/Thimbu": "Asia/Thimphu",
  "Asia/Dacca": "Asia/Dhaka",
  "Asia/Macao": "Asia/Macau",
  "Asia/Chongqing": "Asia/Shanghai",
  "Europe/Uzhgorod": "Europe/Kyiv",
  "Europe/Zaporozhye": "Europe/Kyiv",
};

/** The name the zone database uses today ("Asia/Calcutta" → "Asia/Kolkata"). */
export function currentZoneName(zone: string): string {
  return CURRENT_ZONE_NAMES[zone] ?? zone;
}

/** The older spellings of a zone, for search ("Kiev" finds Europe/Kyiv). */
export function formerZoneNames(zone: string): string[] {
  return Object.entries(CURRENT_ZONE_NAMES)
    .filter(([, current]) => current === zone)
    .map(([old]) => old);
}

/** Every IANA zone the browser knows, by its current name, sorted, always including UTC. */
export function listTimeZones(): string[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = FALLBACK_ZONES;
  }
  const set = new Set(zones.map(currentZoneName));
  set.add("UTC");
  return [...set].sort((a, b) => a.localeCompare(b));
}

/**
 * Zones matching what was typed: every word must appear in the zone's name, a former
 * name, or its UTC offset ("kolkata", "calcutta", "+05:30", "new york").
 */
export function searchTimeZones(zones: readonly string[], query: string, at: Date = new Date()): string[] {
  const words = query.toLowerCase().replaceAll("_", " ").split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...zones];
  return zones.filter((zone) => {
    const haystack = [zone, ...formerZoneNames(zone), utcOffset(zone, at)].join(" ").toLowerCase().replaceAll("_", " ");
    return words.every((w) => haystack.includes(w));
  });
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

/** Local wall-clock time in the zone, in the locale's 12/24-hour convention ("2:05 PM" or "14:05"). */
export function wallClock(zone: string, at: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone: zone, ...timeOfDay() }).format(at);
  } catch {
    return "";
  }
}
