import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./errors";
import { resetSession, sessionStore, startSession } from "./session";

const refresh = vi.fn();
vi.mock("./client", () => ({ refreshSession: () => refresh() }));

const { uploadWithProgress } = await import("./upload");

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A scripted XMLHttpRequest: each send() takes the next answer and reports upload progress. */
function fakeXhr(answers: Array<{ status: number; body: unknown; headers?: Record<string, string> }>) {
  const sent: Sent[] = [];
  class FakeXhr {
    upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    status = 0;
    responseText = "";
    withCredentials = false;
    private request: Sent = { method: "", url: "", headers: {}, body: null };
    private answerHeaders: Record<string, string> = {};
    open(method: string, url: string) {
      this.request = { method, url, headers: {}, body: null };
    }
    setRequestHeader(name: string, value: string) {
      this.request.headers[name] = value;
    }
    getResponseHeader(name: string) {
      return this.answerHeaders[name] ?? null;
    }
    abort() {
      this.onabort?.();
    }
    send(body: unknown) {
      this.request.body = body;
      sent.push(this.request);
      const answer = answers.shift() ?? { status: 500, body: null };
      setTimeout(() => {
        this.upload.onprogress?.({ lengthComputable: true, loaded: 50, total: 100 });
        this.upload.onprogress?.({ lengthComputable: true, loaded: 100, total: 100 });
        this.status = answer.status;
        this.responseText = answer.body === null ? "" : JSON.stringify(answer.body);
        this.answerHeaders = answer.headers ?? {};
        this.onload?.();
      }, 0);
    }
  }
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
  return sent;
}

describe("uploadWithProgress", () => {
  beforeEach(() => {
    resetSession();
    refresh.mockReset();
  });

  it("sends the raw body with the bearer token and reports progress", async () => {
    startSession({ access_token: "tok", expires_in: 900 });
    const sent = fakeXhr([{ status: 201, body: { id: "m1" } }]);
    const progress: number[] = [];
    const result = await uploadWithProgress<{ id: string }>({
      url: "/api/v1/media?filename=a.png",
      body: "bytes",
      contentType: "image/png",
      onProgress: (f) => progress.push(f),
    });
    expect(result).toEqual({ id: "m1" });
    expect(sent[0]).toMatchObject({ method: "POST", url: "/api/v1/media?filename=a.png", body: "bytes" });
    expect(sent[0]?.headers).toEqual({ "Content-Type": "image/png", Authorization: "Bearer tok" });
    expect(progress).toEqual([0.5, 1, 1]);
  });

  it("refreshes once on 401 and replays with the new token", async () => {
    startSession({ access_token: "stale", expires_in: 900 });
    refresh.mockImplementation(async () => {
      startSession({ access_token: "fresh", expires_in: 900 });
      return { access_token: "fresh" };
    });
    const sent = fakeXhr([
      { status: 401, body: { error: { code: "unauthorized", message: "Log in again." } } },
      { status: 200, body: { committed: true } },
    ]);
    await expect(uploadWithProgress({ url: "/api/v1/posts/import", body: "csv", contentType: "text/csv" })).resolves.toEqual({ committed: true });
    expect(sent.map((s) => s.headers.Authorization)).toEqual(["Bearer stale", "Bearer fresh"]);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it("ends the session when the refresh fails", async () => {
    startSession({ access_token: "stale", expires_in: 900 });
    refresh.mockResolvedValue(null);
    fakeXhr([{ status: 401, body: { error: { code: "unauthorized", message: "Log in again." } } }]);
    const error = await uploadWithProgress({ url: "/x", body: "", contentType: "text/csv" }).catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(401);
    expect(sessionStore.getState()).toMatchObject({ status: "anonymous", endedBy: "expired" });
  });

  it("turns the error envelope into an ApiError", async () => {
    startSession({ access_token: "tok", expires_in: 900 });
    fakeXhr([{ status: 413, body: { error: { code: "payload_too_large", message: "The upload is larger than the limit." } } }]);
    const error = (await uploadWithProgress({ url: "/x", body: "", contentType: "text/csv" }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 413, code: "payload_too_large", message: "The upload is larger than the limit." });
  });
});
