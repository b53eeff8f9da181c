import { QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { notificationKeys } from "@/api/notifications";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi } from "@/test/render";
import { makePost, makeTarget } from "../test-data";
import { postQueryOptions } from "./get-post";
import { postsQueryOptions } from "./list-posts";
import { BELL_RECHECK_MS, refreshBell, stateChanged } from "./state-change";
import type { Post, TargetState } from "./types";

function withState(state: TargetState, id = "p1"): Post {
  return makePost({ id, targets: [makeTarget({ id: `${id}-t1`, state }), makeTarget({ id: `${id}-t2`, state: "published" })] });
}

function bellInvalidations(spy: { mock: { calls: unknown[][] } }): number {
  return spy.mock.calls.filter(([filters]) => JSON.stringify((filters as { queryKey?: unknown })?.queryKey) === JSON.stringify(notificationKeys.all)).length;
}

describe("stateChanged", () => {
  it("is true only when a target both answers have moved", () => {
    expect(stateChanged(undefined, [withState("failed")])).toBe(false); // first load: nothing to compare
    expect(stateChanged([withState("publishing")], [withState("publishing")])).toBe(false);
    expect(stateChanged([withState("publishing")], [withState("failed")])).toBe(true);
    // A retry that failed again between two fetches: same state, two more moves in its history.
    const failed = withState("failed");
    const again: Post = {
      ...failed,
      targets: failed.targets.map((t, i) =>
        i === 0
          ? {
              ...t,
              history: [
                ...t.history,
                { at: "2026-12-01T09:01:00Z", from: "failed", to: "publishing", message: "publishing" },
                { at: "2026-12-01T09:01:01Z", from: "publishing", to: "failed", message: "refused" },
              ],
            }
          : t,
      ),
    };
    expect(stateChanged([failed], [again])).toBe(true);
    // A post that newly matches the filters is not a change of state.
    expect(stateChanged([withState("publishing")], [withState("publishing"), withState("failed", "p2")])).toBe(false);
  });
});

describe("post fetchers tell the bell when a state changes", () => {
  let client: QueryClient;
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
    client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("the post's page: publishing → failed refreshes the bell, an unchanged answer does not", async () => {
    const answers = [withState("publishing"), withState("publishing"), withState("failed")];
    mockApi({ "GET /api/v1/posts/p1": () => jsonResponse(200, answers.shift()) });
    const spy = vi.spyOn(client, "invalidateQueries");
    const fetch = () => client.fetchQuery({ ...postQueryOptions("p1"), staleTime: 0 });

    await fetch();
    await fetch();
    expect(bellInvalidations(spy)).toBe(0);
    await fetch();
    expect(bellInvalidations(spy)).toBe(1);
  });

  it("lists: a target turning failed in the queue's poll refreshes the bell", async () => {
    const answers = [[withState("scheduled")], [withState("failed")]];
    mockApi({ "GET /api/v1/posts": () => jsonResponse(200, answers.shift()) });
    const spy = vi.spyOn(client, "invalidateQueries");
    const fetch = () => client.fetchQuery({ ...postsQueryOptions({ state: "scheduled" }), staleTime: 0 });

    await fetch();
    expect(bellInvalidations(spy)).toBe(0);
    await fetch();
    expect(bellInvalidations(spy)).toBe(1);
  });

  it("asks once more shortly after, for a notification written just after the state", () => {
    vi.useFakeTimers();
    const spy = vi.spyOn(client, "invalidateQueries");
    refreshBell(client);
    refreshBell(client); // two changes close together: still one recheck
    expect(bellInvalidations(spy)).toBe(2);
    vi.advanceTimersByTime(BELL_RECHECK_MS);
    expect(bellInvalidations(spy)).toBe(3);
    vi.advanceTimersByTime(BELL_RECHECK_MS * 5);
    expect(bellInvalidations(spy)).toBe(3);
  });
});

describe("a retry that fails again before the list is fetched", () => {
  it("still refreshes the bell: the retry's answer is written into the list first", async () => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const { rememberPost } = await import("./cache");
    mockApi({ "GET /api/v1/posts": () => jsonResponse(200, [withState("failed")]) });
    const spy = vi.spyOn(client, "invalidateQueries");
    const options = { ...postsQueryOptions({}), staleTime: 0 };
    await client.fetchQuery(options);
    rememberPost(client, withState("scheduled")); // what POST …/publish answered
    await client.fetchQuery(options); // failed again already
    expect(bellInvalidations(spy)).toBe(1);
  });
});
