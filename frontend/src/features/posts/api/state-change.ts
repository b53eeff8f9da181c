import type { QueryClient } from "@tanstack/react-query";
import { notificationKeys } from "@/api/notifications";
import type { Post } from "./types";

/**
 * The server writes a failure's notification just after it records the failed state, so
 * a fetch that lands in between still sees the old list: the bell asks once more after
 * this long (2 s), instead of waiting for its own 30 s poll.
 */
export const BELL_RECHECK_MS = 2_000;

/**
 * Where a target stands: its state and how many moves its history holds. The history
 * counts too because a retry can go failed → publishing → failed between two fetches,
 * which looks like no change by the state alone.
 */
function standing(t: Post["targets"][number]): string {
  return `${t.state}/${t.history.length}`;
}

/** Target id → standing, for every target of `posts`. */
function standings(posts: readonly Post[]): Map<string, string> {
  return new Map(posts.flatMap((p) => p.targets.map((t) => [t.id, standing(t)] as const)));
}

/** Whether a target present in both answers has moved (changed state, or moved and come back) in the newer one. */
export function stateChanged(before: readonly Post[] | undefined, after: readonly Post[]): boolean {
  if (!before) return false;
  const old = standings(before);
  return after.some((p) => p.targets.some((t) => old.has(t.id) && old.get(t.id) !== standing(t)));
}

const rechecks = new WeakMap<QueryClient, ReturnType<typeof setTimeout>>();

/** The bell refetches now, and once more shortly after (see BELL_RECHECK_MS). */
export function refreshBell(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
  clearTimeout(rechecks.get(queryClient));
  rechecks.set(
    queryClient,
    setTimeout(() => {
      rechecks.delete(queryClient);
      void queryClient.invalidateQueries({ queryKey: notificationKeys.all });
    }, BELL_RECHECK_MS),
  );
}

/**
 * Called by the post fetchers with what the cache held before and what the server just
 * said: when a target moved (e.g. publishing → failed) the bell is told at once, so a
 * failure shows in the top bar as soon as the page showing the post sees it. It costs
 * nothing while nothing changes, and adds no timer of its own beyond the one recheck.
 */
export function watchStates(queryClient: QueryClient, before: readonly Post[] | undefined, after: readonly Post[]): void {
  if (stateChanged(before, after)) refreshBell(queryClient);
}
