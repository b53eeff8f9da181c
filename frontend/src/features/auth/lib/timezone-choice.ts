import type { User } from "@/api/client";
import { browserTimeZone } from "@/lib/timezones";

/**
 * New accounts start on "UTC". Until the user picks a zone (remembered per account in
 * this browser), Settings suggests the browser's zone instead of silently changing it.
 */
const key = (userId: string) => `letsgrow.timezoneChosen.${userId}`;

export function markTimezoneChosen(userId: string): void {
  try {
    localStorage.setItem(key(userId), "1");
  } catch {
    // Storage can be unavailable (private mode); the suggestion then simply shows again.
  }
}

export function hasChosenTimezone(user: Pick<User, "id" | "timezone">): boolean {
  if (user.timezone !== "UTC") return true;
  try {
    return localStorage.getItem(key(user.id)) === "1";
  } catch {
    return false;
  }
}

/** The zone to pre-select in Settings, or null when the account's own zone should be shown. */
export function suggestedTimezone(user: Pick<User, "id" | "timezone">, browser = browserTimeZone()): string | null {
  if (hasChosenTimezone(user) || browser === "UTC") return null;
  return browser;
}
