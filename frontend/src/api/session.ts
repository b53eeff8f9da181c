import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";

/**
 * The browser session: the short-lived access token lives here, in memory only
 * (never localStorage). The refresh token is an httpOnly cookie the page cannot read.
 */
export type SessionStatus = "unknown" | "authenticated" | "anonymous";

/** Why the session ended: an explicit log-out, or a refresh that failed. */
export type SessionEnd = "logout" | "expired" | null;

export interface SessionState {
  status: SessionStatus;
  accessToken: string | null;
  /** Epoch milliseconds at which the access token expires. */
  expiresAt: number | null;
  endedBy: SessionEnd;
}

const initial: SessionState = {
  status: "unknown",
  accessToken: null,
  expiresAt: null,
  endedBy: null,
};

export const sessionStore = createStore<SessionState>(() => initial);

export function startSession(token: { access_token: string; expires_in: number }): void {
  sessionStore.setState({
    status: "authenticated",
    accessToken: token.access_token,
    expiresAt: Date.now() + token.expires_in * 1000,
    endedBy: null,
  });
}

export function endSession(reason: Exclude<SessionEnd, null>): void {
  sessionStore.setState({ status: "anonymous", accessToken: null, expiresAt: null, endedBy: reason });
}

/** Test helper: back to the state of a fresh page load. */
export function resetSession(): void {
  sessionStore.setState(initial, true);
}

export function useSession<T>(selector: (state: SessionState) => T): T {
  return useStore(sessionStore, selector);
}
