/** The server's error envelope: `{"error":{"code","message","details"}}`. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown> | null;
}

/** Every failed API call surfaces as an ApiError (network failures use status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  /** Per-field messages from a 422 (`details.fields`). */
  readonly fields: Readonly<Record<string, string>>;
  /** Seconds to wait, from a 429's Retry-After header. */
  readonly retryAfter: number | null;

  constructor(status: number, body: ErrorBody, retryAfter: number | null = null) {
    super(body.message);
    this.name = "ApiError";
    this.status = status;
    this.code = body.code;
    this.details = body.details ?? {};
    this.fields = readFields(this.details);
    this.retryAfter = retryAfter;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readFields(details: Record<string, unknown>): Record<string, string> {
  const raw = details.fields;
  const fields: Record<string, string> = {};
  if (!isRecord(raw)) return fields;
  for (const [name, message] of Object.entries(raw)) {
    if (typeof message === "string") fields[name] = message;
    else if (Array.isArray(message) && typeof message[0] === "string") fields[name] = message[0];
  }
  return fields;
}

function parseEnvelope(body: unknown): ErrorBody | null {
  if (!isRecord(body) || !isRecord(body.error)) return null;
  const { code, message, details } = body.error;
  if (typeof code !== "string" || typeof message !== "string") return null;
  return { code, message, details: isRecord(details) ? details : null };
}

function parseRetryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Builds an ApiError from a non-2xx response and whatever body openapi-fetch parsed. */
export function toApiError(response: Response, body: unknown): ApiError {
  const envelope = parseEnvelope(body) ?? {
    code: `http_${response.status}`,
    message:
      response.status >= 500 || response.status === 0
        ? `The server ran into a problem (HTTP ${response.status}). Try again in a moment.`
        : `The request failed (HTTP ${response.status}).`,
  };
  return new ApiError(response.status, envelope, parseRetryAfter(response.headers.get("Retry-After")));
}

export function networkError(cause: unknown): ApiError {
  const error = new ApiError(0, {
    code: "network_error",
    message: "Can't reach the LetsGrow server. Check your connection and try again.",
  });
  error.cause = cause;
  return error;
}

/** A message fit for a toast, for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429 && error.retryAfter !== null) {
      return `Too many attempts. Try again in ${error.retryAfter} second${error.retryAfter === 1 ? "" : "s"}.`;
    }
    return error.message;
  }
  return "Something went wrong. Try again.";
}
