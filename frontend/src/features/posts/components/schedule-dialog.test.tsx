import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { makeResolved } from "../test-data";
import { ScheduleDialog } from "./schedule-dialog";

// 28 March 2027: clocks in Berlin jump from 02:00 to 03:00.
const GAP = makeResolved({
  kind: "gap",
  utc: "2027-03-28T01:30:00Z",
  shifted_by_minutes: 60,
  message: "that time does not exist (clocks spring forward); moved 60 minutes later to 2027-03-28 03:30 CEST",
});
// 31 October 2027: 02:30 happens twice in Berlin.
const OVERLAP = makeResolved({
  kind: "overlap",
  utc: "2027-10-31T00:30:00Z",
  later: "2027-10-31T01:30:00Z",
  message: "that time happens twice (clocks fall back); using the first, 2027-10-31 02:30 CEST, not 2027-10-31 02:30 CET",
});

function resolver() {
  return mockApi({
    "GET /api/v1/schedule/resolve": (r) => {
      const url = new URL(r.url);
      const local = url.searchParams.get("local");
      const timezone = url.searchParams.get("timezone") ?? "";
      if (local === "2027-03-28T02:30" && timezone === "Europe/Berlin") return jsonResponse(200, GAP);
      if (local === "2027-10-31T02:30" && timezone === "Europe/Berlin") return jsonResponse(200, OVERLAP);
      if (local === "2027-03-28T02:30" && timezone === "America/New_York") {
        return jsonResponse(200, makeResolved({ utc: "2027-03-28T06:30:00Z", timezone, message: "2027-03-28 02:30 EDT" }));
      }
      return jsonResponse(200, makeResolved({ timezone }));
    },
  });
}

// Typing and dialogs are slow in jsdom on a busy 2-core machine.
describe("ScheduleDialog", { timeout: 30_000 }, () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });

  it("explains a time that doesn't exist before anything is saved", async () => {
    const { calls } = resolver();
    const onConfirm = vi.fn();
    renderWithClient(
      <ScheduleDialog open onClose={vi.fn()} defaultZone="Europe/Berlin" initialLocal="2027-03-28T02:30" onConfirm={onConfirm} />,
    );
    const resolution = screen.getByTestId("schedule-resolution");
    await waitFor(() => expect(resolution.dataset.kind).toBe("gap"));
    expect(resolution.textContent).toContain(
      "2:30 AM doesn't exist on Mar 28 in Europe/Berlin (the clocks go forward); it will go out at 3:30 AM CEST.",
    );
    expect(screen.getByTestId("schedule-server-message").textContent).toBe(
      "That time does not exist (clocks spring forward); moved 60 minutes later to 2027-03-28 03:30 CEST.",
    );
    const url = new URL(calls[0]!.url);
    expect(url.searchParams.get("local")).toBe("2027-03-28T02:30");
    expect(url.searchParams.get("timezone")).toBe("Europe/Berlin");

    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Schedule" }));
    await waitFor(() => expect(onConfirm).toHaveBeenCalledTimes(1));
    expect(onConfirm.mock.calls[0]?.[0]).toMatchObject({ local: "2027-03-28T02:30", timezone: "Europe/Berlin", resolved: GAP });
  });

  it("says which of two identical times it uses", async () => {
    resolver();
    renderWithClient(<ScheduleDialog open onClose={vi.fn()} defaultZone="Europe/Berlin" initialLocal="2027-10-31T02:30" onConfirm={vi.fn()} />);
    const resolution = screen.getByTestId("schedule-resolution");
    await waitFor(() => expect(resolution.dataset.kind).toBe("overlap"));
    expect(resolution.textContent).toContain(
      "2:30 AM happens twice on Oct 31 in Europe/Berlin (the clocks go back); it will go out at the first one, 2:30 AM CEST, not 2:30 AM CET.",
    );
  });

  it("re-checks when the zone changes, and says nothing about DST for an ordinary time", async () => {
    const { calls } = resolver();
    renderWithClient(<ScheduleDialog open onClose={vi.fn()} defaultZone="Europe/Berlin" initialLocal="2027-03-28T02:30" onConfirm={vi.fn()} />);
    const resolution = screen.getByTestId("schedule-resolution");
    await waitFor(() => expect(resolution.dataset.kind).toBe("gap"));
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText("Time zone"), "America/New_York");
    await waitFor(() => expect(resolution.dataset.kind).toBe("exact"));
    expect(resolution.textContent).toBe("Goes out Sun, Mar 28, 2027, 2:30 AM EDT.");
    expect(screen.queryByTestId("schedule-server-message")).toBeNull();
    expect(calls.map((c) => new URL(c.url).searchParams.get("timezone"))).toEqual(["Europe/Berlin", "America/New_York"]);
  });

  it("shows the server's refusal in the dialog", async () => {
    resolver();
    renderWithClient(
      <ScheduleDialog
        open
        onClose={vi.fn()}
        defaultZone="Europe/Berlin"
        initialLocal="2027-03-27T10:00"
        onConfirm={vi.fn()}
        error="The time is in the past; pick a later time or publish now."
      />,
    );
    expect(screen.getByTestId("schedule-error").textContent).toContain("The time is in the past");
    expect(screen.getByRole("dialog", { name: "Schedule" })).toBeTruthy();
  });
});
