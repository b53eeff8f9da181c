import { refreshSession } from "./client";
import { ApiError, networkError, toApiError } from "./errors";
import { endSession, sessionStore } from "./session";

/**
 * Raw-body uploads (media files, CSV imports) with upload progress. fetch() cannot
 * report upload progress, so this uses XMLHttpRequest with the same rules as the
 * typed client: the bearer token from the session, one refresh and replay on 401,
 * and failures as ApiError.
 */
export interface UploadOptions {
  /** Path with query string, e.g. `/api/v1/media?filename=a.png`. */
  url: string;
  body: Blob | string;
  contentType: string;
  method?: "POST" | "PUT";
  /** Fraction sent, 0–1. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

interface RawResult {
  status: number;
  body: unknown;
  retryAfter: string | null;
}

function send(options: UploadOptions, token: string | null): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(options.method ?? "POST", options.url);
    xhr.setRequestHeader("Content-Type", options.contentType);
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.withCredentials = false;
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body, retryAfter: xhr.getResponseHeader("Retry-After") });
    };
    xhr.onerror = () => reject(networkError(new Error("upload failed")));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
    if (options.signal) {
      if (options.signal.aborted) {
        reject(new DOMException("The upload was cancelled.", "AbortError"));
        return;
      }
      options.signal.addEventListener("abort", () => xhr.abort(), { once: true });
    }
    xhr.send(options.body);
  });
}

export async function uploadWithProgress<T>(options: UploadOptions): Promise<T> {
  const sentWith = sessionStore.getState().accessToken;
  let result = await send(options, sentWith);
  if (result.status === 401) {
    const current = sessionStore.getState().accessToken;
    const token = current && current !== sentWith ? current : ((await refreshSession())?.access_token ?? null);
    if (!token) {
      if (sessionStore.getState().status !== "anonymous") endSession("expired");
    } else {
      options.onProgress?.(0);
      result = await send(options, token);
    }
  }
  if (result.status >= 200 && result.status < 300) {
    options.onProgress?.(1);
    return result.body as T;
  }
  if (result.status === 0) throw networkError(new Error("no response"));
  const headers = result.retryAfter ? { "Retry-After": result.retryAfter } : undefined;
  const error: ApiError = toApiError(new Response(null, { status: result.status, headers }), result.body);
  throw error;
}
