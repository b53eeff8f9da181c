import { refreshSession } from "@/api/client";
import { endSession, sessionStore } from "@/api/session";

let restoring: Promise<void> | null = null;

/**
 * On page load, trade the httpOnly refresh cookie for an access token: this is what
 * keeps a user signed in across reloads. Runs once per page load.
 */
export function restoreSession(): Promise<void> {
  if (sessionStore.getState().status !== "unknown") return Promise.resolve();
  restoring ??= refreshSession().then((auth) => {
    if (!auth && sessionStore.getState().status === "unknown") endSession("expired");
  });
  return restoring;
}

/** Test helper. */
export function resetRestore(): void {
  restoring = null;
}
