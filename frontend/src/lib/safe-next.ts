/**
 * Returns a same-origin path to go to after signing in, or the fallback. Rejects
 * absolute URLs, protocol-relative `//host` and backslash tricks (open redirects),
 * and the auth pages themselves (which would loop).
 */
export function safeNext(next: string | null | undefined, fallback = "/dashboard/"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return fallback;
  if (/[\u0000-\u001f]/.test(next)) return fallback;
  const path = next.split(/[?#]/, 1)[0] ?? "";
  if (/^\/(login|signup)(\/|$)/.test(path)) return fallback;
  return next;
}

/** `/login/?next=…` for the given current location. */
export function loginUrl(current: string | null | undefined): string {
  if (!current || current === "/" || safeNext(current, "") === "") return "/login/";
  return `/login/?next=${encodeURIComponent(current)}`;
}
