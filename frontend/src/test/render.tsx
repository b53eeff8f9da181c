import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { vi } from "vitest";

export function renderWithClient(ui: ReactElement) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return { queryClient, ...render(<QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>) };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** Replaces global fetch with a handler keyed by "METHOD /path". */
export function mockApi(routes: Record<string, (request: Request) => Response | Promise<Response>>) {
  const calls: Request[] = [];
  const fetch = vi.fn(async (request: Request) => {
    calls.push(request);
    const key = `${request.method} ${new URL(request.url).pathname}`;
    const handler = routes[key];
    if (!handler) return jsonResponse(404, { error: { code: "not_found", message: `No mock for ${key}` } });
    return handler(request);
  });
  vi.stubGlobal("fetch", fetch);
  return { fetch, calls };
}

export const testUser = {
  id: "7f1c3f5e-3b7a-4c41-9d0e-5f3c2b1a0d9e",
  email: "ada@example.com",
  timezone: "UTC",
  created_at: "2026-11-27T09:00:00Z",
};

export function authResponse(token = "access-1") {
  return { user: testUser, access_token: token, token_type: "Bearer", expires_in: 900 };
}
