import createClient, { type Client } from "openapi-fetch";
import { ApiError, networkError, toApiError } from "./errors";
import type { paths } from "./generated/schema";
import { endSession, sessionStore, startSession } from "./session";

export type AuthResponse =
  paths["/api/v1/auth/login"]["post"]["responses"][200]["content"]["application/json"];
export type User = AuthResponse["user"];

/** Sent on register/login/refresh: the server then keeps the refresh token in an httpOnly cookie. */
export const WEB_CLIENT_HEADER = { "X-LetsGrow-Client": "web" } as const;

/** Calls that authenticate by themselves: never retried through a refresh. */
const SELF_AUTHENTICATING = new Set([
  "/api/v1/auth/login",
  "/api/v1/auth/register",
  "/api/v1/auth/refresh",
]);

type Fetch = (request: Request) => Promise<Response>;

export interface ApiClientOptions {
  baseUrl: string;
  fetch?: Fetch;
}

export interface ApiClient {
  /** Typed client: adds the bearer token, refreshes once on 401 and replays. */
  api: Client<paths>;
  /**
   * Trades the refresh cookie for a new access token. One refresh is in flight at a
   * time (per tab, and across tabs where the Web Locks API exists), because the server
   * rotates refresh tokens and treats a reused one as theft.
   */
  refresh: () => Promise<AuthResponse | null>;
}

function withCrossTabLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  if (!locks) return task();
  return new Promise<T>((resolve, reject) => {
    // The lock is held until the returned promise settles.
    locks.request("letsgrow-auth-refresh", () => task().then(resolve, reject)).catch(reject);
  });
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseFetch: Fetch = options.fetch ?? ((request) => globalThis.fetch(request));
  const plain = createClient<paths>({ baseUrl: options.baseUrl, fetch: baseFetch, credentials: "same-origin" });
  let inflight: Promise<AuthResponse | null> | null = null;

  async function requestRefresh(): Promise<AuthResponse | null> {
    try {
      const { data, response } = await plain.POST("/api/v1/auth/refresh", {
        body: {},
        headers: WEB_CLIENT_HEADER,
      });
      if (!response.ok || !data) return null;
      startSession(data);
      return data;
    } catch {
      return null;
    }
  }

  function refresh(): Promise<AuthResponse | null> {
    inflight ??= withCrossTabLock(requestRefresh).finally(() => {
      inflight = null;
    });
    return inflight;
  }

  async function authFetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (SELF_AUTHENTICATING.has(path)) {
      request.headers.set("X-LetsGrow-Client", "web");
      return baseFetch(request);
    }
    // Queue behind a refresh that is already running instead of sending a stale token.
    if (inflight) await inflight;
    const replay = request.clone();
    const sentWith = sessionStore.getState().accessToken;
    if (sentWith) request.headers.set("Authorization", `Bearer ${sentWith}`);
    const response = await baseFetch(request);
    if (response.status !== 401) return response;

    // Another request may already have refreshed while this one was on the wire.
    const current = sessionStore.getState().accessToken;
    const token = current && current !== sentWith ? current : ((await refresh())?.access_token ?? null);
    if (!token) {
      if (sessionStore.getState().status !== "anonymous") endSession("expired");
      return response;
    }
    replay.headers.set("Authorization", `Bearer ${token}`);
    return baseFetch(replay);
  }

  const api = createClient<paths>({ baseUrl: options.baseUrl, fetch: authFetch, credentials: "same-origin" });
  return { api, refresh };
}

const origin = typeof window === "undefined" ? "http://localhost" : window.location.origin;
const client = createApiClient({ baseUrl: origin });

export const api = client.api;
export const refreshSession = client.refresh;

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call: returns its data, or throws an ApiError. */
export async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw networkError(cause);
  }
  if (!result.response.ok) throw toApiError(result.response, result.error);
  return result.data as T;
}
