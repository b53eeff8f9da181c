/**
 * Filters kept in the URL without losing quick changes. `router.replace` lands a
 * render or more after the call, so a second change built from the first render's
 * params (From, then To at once) would drop the first. The latest query is kept
 * here, updated at the moment of the change, and the URL is written from it; the
 * URL's own updates are adopted only when someone else changed it (back, a link).
 */

/** `query` with each of `changes` set, or removed when its value is empty; `remove` names go too. */
export function withChanges(query: string, changes: Readonly<Record<string, string>>, remove: readonly string[] = []): string {
  const next = new URLSearchParams(query);
  for (const name of remove) next.delete(name);
  for (const [name, value] of Object.entries(changes)) {
    if (value) next.set(name, value);
    else next.delete(name);
  }
  return next.toString();
}

/**
 * A query arrived in the URL. If it is one we wrote (still `pending`), it and the
 * writes before it are done and nothing changes here: the latest write is already
 * shown. Anything else came from outside (back button, a link) and replaces ours.
 */
export function settleArrival(pending: readonly string[], latest: string, arrived: string): { pending: string[]; external: boolean } {
  const index = pending.indexOf(arrived);
  if (index >= 0) return { pending: pending.slice(index + 1), external: false };
  if (pending.length === 0 && arrived === latest) return { pending: [], external: false };
  return { pending: [], external: true };
}
