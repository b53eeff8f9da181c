import { beforeEach, describe, expect, it, vi } from "vitest";
import { call, createApiClient, type AuthResponse } from "./client";
import { ApiError } from "./errors";
import { resetSession, sessionStore, startSession } from "./session";

const BASE = "http://app.test";

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

function auth(token: string): AuthResponse {
  return {
    user: { id: "0b5d7e6e-1c1a-4f7e-9b7a-2f2f8e7c1a01", email: "a@example.com", timezone: "UTC", created_at: "2026-11-27T10:00:00Z" },
    access_token: token,
    token_type: "Bearer",
    expires_in: 900,
  };
}

const unauthorized = () => json(401, { error: { code: "unauthorized", message: "Log in again." } });

/** A fake server: accepts only `valid` as access token; refresh hands out `fresh`. */
function fakeServer(opts: { refreshOk?: boolean; refreshDelay?: number } = {}) {
  let valid = "fresh";
  const seen: Array<{ path: string; auth: string | null; client: string | null; body: string }> = [];
  const fetch = vi.fn(async (request: Request) => {
    const path = new URL(request.url).pathname;
    const body = await request.text();
    seen.push({ path, auth: request.headers.get("authorization"), client: request.headers.get("x-letsgrow-client"), body });
    if (path === "/api/v1/auth/refresh") {
      if (opts.refreshDelay) await new Promise((r) => setTimeout(r, opts.refreshDelay));
      if (opts.refreshOk === false) return json(401, { error: { code: "invalid_refresh_token", message: "Expired." } });
      return json(200, auth(valid));
    }
    if (path === "/api/v1/auth/login") return json(401, { error: { code: "invalid_credentials", message: "Wrong email or password." } });
    if (request.headers.get("authorization") !== `Bearer ${valid}`) return unauthorized();
    if (path === "/api/v1/auth/me" && request.method === "PATCH") return json(200, { ...auth(valid).user, ...JSON.parse(body) });
    return json(200, auth(valid).user);
  });
  return { fetch, seen, rotate: (token: string) => (valid = token) };
}

beforeEach(() => resetSession());

describe("auth middleware", () => {
  it("sends the bearer token it holds", async () => {
    const server = fakeServer();
    startSession({ access_token: "fresh", expires_in: 900 });
    const { api } = createApiClient({ baseUrl: BASE, fetch: server.fetch });
    const user = await call(api.GET("/api/v1/auth/me"));
    expect(user.email).toBe("a@example.com");
    expect(server.seen).toEqual([expect.objectContaining({ path: "/api/v1/auth/me", auth: "Bearer fresh" })]);
  });

  it("refreshes once on 401 and replays the request with its body", async () => {
    const server = fakeServer();
    startSession({ access_token: "stale", expires_in: 900 });
    const { api } = createApiClient({ baseUrl: BASE, fetch: server.fetch });
    const user = await call(api.PATCH("/api/v1/auth/me", { body: { timezone: "Europe/Berlin" } }));
    expect(user.timezone).toBe("Europe/Berlin");
    expect(server.seen.map((s) => s.path)).toEqual(["/api/v1/auth/me", "/api/v1/auth/refresh", "/api/v1/auth/me"]);
    const [, refresh, replay] = server.seen;
    expect(refresh?.client).toBe("web");
    expect(refresh?.auth).toBeNull();
    expect(JSON.parse(refresh?.body ?? "null")).toEqual({});
    expect(replay?.auth).toBe("Bearer fresh");
    expect(replay?.body).toBe(JSON.stringify({ timezone: "Europe/Berlin" }));
    expect(sessionStore.getState()).toMatchObject({ status: "authenticated", accessToken: "fresh" });
  });

  it("runs a single refresh for concurrent 401s and replays all of them", async () => {
    const server = fakeServer({ refreshDelay: 20 });
    startSession({ access_token: "stale", expires_in: 900 });
    const { api } = createApiClient({ baseUrl: BASE, fetch: server.fetch });
    const results = await Promise.all([1, 2, 3, 4].map(() => call(api.GET("/api/v1/auth/me"))));
    expect(results).toHaveLength(4);
    expect(server.seen.filter((s) => s.path === "/api/v1/auth/refresh")).toHaveLength(1);
    const replays = server.seen.filter((s) => s.path === "/api/v1/auth/me" && s.auth === "Bearer fresh");
    expect(replays).toHaveLength(4);
  });

  it("queues requests made while a refresh is in flight instead of sending the stale token", async () => {
    const server = fakeServer({ refreshDelay: 20 });
    startSession({ access_token: "stale", expires_in: 900 });
    const { api, refresh } = createApiClient({ baseUrl: BASE, fetch: server.fetch });
    const refreshing = refresh();
    const user = await call(api.GET("/api/v1/auth/me"));
    await refreshing;
    expect(user.id).toBeTruthy();
    expect(server.seen.map((s) => `${s.path} ${s.auth}`)).toEqual([
      "/api/v1/auth/refresh null",
      "/api/v1/auth/me Bearer fresh",
    ]);
  });

  it("ends the session as expired when the refresh fails", async () => {
    const server = fakeServer({ refreshOk: false });
    startSession({ access_token: "stale", expires_in: 900 });
    const { api } = createApiClient({ baseUrl: BASE, fetch: server.fetch });
    const error = await call(api.GET("/api/v1/auth/me")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(sessionStore.getState()).toMatchObject({ status: "anonymous", accessToken: null, endedBy: "expired" });
  });

  it("does not overwrite an explicit log-out with 'expired'", async () => {
    const server = fakeServer({ refreshOk: false });
    sessionStore.setState({ status: "anonymous", accessToken: null, expiresAt: null, endedBy: "logout" });
    const { api } = createApiClient({ baseUrl: BASE, fetch: server.fetch });
    await call(api.GET("/api/v1/auth/me")).catch(() => undefined);
    expect(sessionStore.getState().endedBy).toBe("logout");
  });

  it("never refreshes for log-in and marks it as a web client", async () => {
    const server = fakeServer();
    const { api } = createApiClient({ baseUrl: BASE, fetch: server.fetch });
    const error = await call(api.POST("/api/v1/auth/login", { body: { email: "a@example.com", password: "x" } })).catch(
      (e: unknown) => e,
    );
    expect((error as ApiError).code).toBe("invalid_credentials");
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]).toMatchObject({ client: "web", auth: null });
  });

  it("returns null from refresh() when the network fails", async () => {
    const { refresh } = createApiClient({
      baseUrl: BASE,
      fetch: () => Promise.reject(new TypeError("fetch failed")),
    });
    await expect(refresh()).resolves.toBeNull();
  });
});

describe("call()", () => {
  it("turns a 422 envelope into field errors", async () => {
    const fetch = vi.fn(async () =>
      json(422, {
        error: {
          code: "validation_failed",
          message: "Some fields are invalid.",
          details: { fields: { email: "Enter a valid email.", password: "Too common." } },
        },
      }),
    );
    const { api } = createApiClient({ baseUrl: BASE, fetch });
    const error = (await call(
      api.POST("/api/v1/auth/register", { body: { email: "x", password: "password123" } }),
    ).catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(422);
    expect(error.fields).toEqual({ email: "Enter a valid email.", password: "Too common." });
  });

  it("reads Retry-After on 429", async () => {
    const fetch = vi.fn(async () =>
      json(429, { error: { code: "rate_limited", message: "Slow down." } }, { "Retry-After": "12" }),
    );
    const { api } = createApiClient({ baseUrl: BASE, fetch });
    const error = (await call(api.POST("/api/v1/auth/login", { body: { email: "a@b.c", password: "p" } })).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(error.retryAfter).toBe(12);
  });

  it("reports a network failure as status 0", async () => {
    const { api } = createApiClient({ baseUrl: BASE, fetch: () => Promise.reject(new TypeError("fetch failed")) });
    const error = (await call(api.POST("/api/v1/auth/login", { body: { email: "a@b.c", password: "p" } })).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(error).toMatchObject({ status: 0, code: "network_error" });
  });

  it("handles a non-JSON error body", async () => {
    const { api } = createApiClient({ baseUrl: BASE, fetch: async () => new Response("<html>bad gateway</html>", { status: 502 }) });
    const error = (await call(api.POST("/api/v1/auth/login", { body: { email: "a@b.c", password: "p" } })).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(error).toMatchObject({ status: 502, code: "http_502" });
  });

  it("resolves a 204 to undefined", async () => {
    startSession({ access_token: "t", expires_in: 900 });
    const { api } = createApiClient({ baseUrl: BASE, fetch: async () => new Response(null, { status: 204 }) });
    await expect(call(api.POST("/api/v1/auth/logout"))).resolves.toBeUndefined();
  });
});
