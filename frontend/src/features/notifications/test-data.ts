import type { AppNotification } from "@/api/notifications";

let next = 1;

export function makeNotification(overrides: Partial<AppNotification> = {}): AppNotification {
  const n = next++;
  return {
    id: `0190a1b2-0000-7000-8000-${String(n).padStart(12, "0")}`,
    kind: "channel_needs_reconnect",
    title: `Notification ${n}`,
    body: "Create a new app password and reconnect.",
    channel_id: "0190a1b2-0000-7000-8000-00000000c001",
    created_at: "2026-11-27T10:00:00Z",
    read_at: null,
    ...overrides,
  };
}
