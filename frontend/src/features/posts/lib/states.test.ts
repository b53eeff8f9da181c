import { describe, expect, it } from "vitest";
import { makePost, makeTarget } from "../test-data";
import { anyMoving, postActions } from "./states";

describe("post actions by state", () => {
  it("offers what the server allows", () => {
    const failed = makeTarget({ id: "f", state: "failed" });
    const actions = postActions(makePost({ targets: [makeTarget({ state: "published" }), failed] }));
    expect(actions).toMatchObject({ edit: true, reschedule: true, cancel: true, publishNow: false });
    expect(actions.failed.map((t) => t.id)).toEqual(["f"]);
    expect(postActions(makePost({ targets: [makeTarget({ state: "published" })] }))).toMatchObject({
      edit: false,
      reschedule: false,
      cancel: false,
      publishNow: false,
      failed: [],
    });
    expect(postActions(makePost({ targets: [makeTarget({ state: "draft", scheduled_at: null })] }))).toMatchObject({
      edit: true,
      cancel: false,
      publishNow: true,
    });
  });

  it("stops a post between its attempts and deletes only drafts", () => {
    const retrying = postActions(makePost({ targets: [makeTarget({ state: "scheduled", attempts: 1 })] }));
    expect(retrying).toMatchObject({ cancel: true, stopsRetrying: true, delete: false });
    const unconfirmed = postActions(makePost({ targets: [makeTarget({ state: "unconfirmed", attempts: 1 })] }));
    expect(unconfirmed).toMatchObject({ cancel: true, stopsRetrying: true, delete: false });
    expect(postActions(makePost({ targets: [makeTarget({ state: "scheduled", attempts: 0 })] }))).toMatchObject({ cancel: true, stopsRetrying: false });
    expect(postActions(makePost({ targets: [makeTarget({ state: "draft", scheduled_at: null }), makeTarget({ state: "draft", scheduled_at: null })] })).delete).toBe(true);
    expect(postActions(makePost({ targets: [makeTarget({ state: "draft" }), makeTarget({ state: "published" })] })).delete).toBe(false);
  });

  it("polls only while something can still change by itself", () => {
    expect(anyMoving([makePost({ targets: [makeTarget({ state: "published" })] })])).toBe(false);
    for (const state of ["scheduled", "publishing", "unconfirmed"] as const) {
      expect(anyMoving([makePost({ targets: [makeTarget({ state })] })])).toBe(true);
    }
  });
});
