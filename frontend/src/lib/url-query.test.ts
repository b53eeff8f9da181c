import { describe, expect, it } from "vitest";
import { settleArrival, withChanges } from "./url-query";

describe("withChanges", () => {
  it("sets, replaces and removes names, keeping the others", () => {
    expect(withChanges("tab=sent&from=2026-12-01", { to: "2026-12-07" })).toBe("tab=sent&from=2026-12-01&to=2026-12-07");
    expect(withChanges("tab=sent&from=2026-12-01", { from: "2026-12-02" })).toBe("tab=sent&from=2026-12-02");
    expect(withChanges("tab=sent&from=2026-12-01", { from: "" })).toBe("tab=sent");
    expect(withChanges("state=failed&channel_id=c1", { tab: "failed" }, ["state"])).toBe("channel_id=c1&tab=failed");
  });

  it("keeps From when To follows at once: each change starts from the one before", () => {
    // What the queue does when From and To are typed before the URL has caught up.
    const first = withChanges("", { from: "2026-12-01" });
    const second = withChanges(first, { to: "2026-12-03" });
    expect(second).toBe("from=2026-12-01&to=2026-12-03");
  });
});

describe("settleArrival", () => {
  it("takes our own writes, in order, as done and never as outside changes", () => {
    const pending = ["from=a", "from=a&to=b"];
    const one = settleArrival(pending, "from=a&to=b", "from=a");
    expect(one).toEqual({ pending: ["from=a&to=b"], external: false });
    expect(settleArrival(one.pending, "from=a&to=b", "from=a&to=b")).toEqual({ pending: [], external: false });
  });

  it("lets the router skip straight to the last write", () => {
    expect(settleArrival(["from=a", "from=a&to=b"], "from=a&to=b", "from=a&to=b")).toEqual({ pending: [], external: false });
  });

  it("adopts a URL nobody here wrote (back button, a link)", () => {
    expect(settleArrival([], "from=a", "tab=failed")).toEqual({ pending: [], external: true });
    expect(settleArrival(["from=a&to=b"], "from=a&to=b", "tab=failed")).toEqual({ pending: [], external: true });
  });

  it("does nothing when the URL already says what we hold", () => {
    expect(settleArrival([], "from=a", "from=a")).toEqual({ pending: [], external: false });
  });
});
