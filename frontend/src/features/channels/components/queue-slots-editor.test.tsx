import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { makeChannel } from "../test-data";
import { ChannelsView } from "./channels-view";
import { QueueSlotsEditor, slotGrid, slotsFromGrid } from "./queue-slots-editor";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());
vi.mock("react-hot-toast", () => ({ default: { success: vi.fn(), error: vi.fn() } }));

const ID = "0190a1b2-0000-7000-8000-000000000001";

describe("queue slot grid", () => {
  it("round-trips weekday × time slots", () => {
    const slots = [
      { weekday: "tue" as const, time: "13:00" },
      { weekday: "mon" as const, time: "09:00" },
      { weekday: "fri" as const, time: "09:00" },
    ];
    const grid = slotGrid(slots);
    expect(grid.times).toEqual(["09:00", "13:00"]);
    expect(slotsFromGrid(grid.times, grid.on)).toEqual([
      { weekday: "mon", time: "09:00" },
      { weekday: "fri", time: "09:00" },
      { weekday: "tue", time: "13:00" },
    ]);
  });
});

// Typing and dialogs are slow in jsdom on a busy 2-core machine.
describe("QueueSlotsEditor", { timeout: 30_000 }, () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });

  it("edits weekday checkboxes and times, saves with slots_set and shows the next free slot", async () => {
    const { calls } = mockApi({
      [`GET /api/v1/channels/${ID}/slots`]: () =>
        jsonResponse(200, { channel_id: ID, timezone: "Europe/Berlin", slots: [{ weekday: "mon", time: "09:00" }], next_free: null }),
      [`PUT /api/v1/channels/${ID}/slots`]: async (r) => {
        const body = (await r.clone().json()) as { slots: unknown[] };
        return jsonResponse(200, { channel_id: ID, timezone: "Europe/Berlin", slots: body.slots, next_free: "2026-11-30T08:00:00Z" });
      },
    });
    const user = userEvent.setup();
    renderWithClient(<QueueSlotsEditor channelId={ID} handle="alice" />);
    const monday = await screen.findByRole("checkbox", { name: "Monday 09:00" });
    expect((monday as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId("next-free-slot").textContent).toContain("No free slot yet");
    await user.click(screen.getByRole("checkbox", { name: "Saturday 09:00" }));
    await user.clear(screen.getByLabelText("New time"));
    await user.type(screen.getByLabelText("New time"), "13:30");
    await user.click(screen.getByRole("button", { name: "Add time" }));
    await user.click(screen.getByRole("checkbox", { name: "Friday 13:30" }));
    await user.click(screen.getByRole("button", { name: "Save 6 slots" }));
    await waitFor(() => expect(screen.getByTestId("next-free-slot").textContent).toMatch(/Next free slot: Mon, Nov 30, 9:00 AM/));
    const put = calls.find((c) => c.method === "PUT")!;
    expect(await put.json()).toEqual({
      slots: [
        { weekday: "mon", time: "09:00" },
        { weekday: "sat", time: "09:00" },
        { weekday: "mon", time: "13:30" },
        { weekday: "tue", time: "13:30" },
        { weekday: "wed", time: "13:30" },
        { weekday: "thu", time: "13:30" },
      ],
    });
  });
});

// Typing and dialogs are slow in jsdom on a busy 2-core machine.
describe("ChannelCard pause", { timeout: 30_000 }, () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });

  it("pauses and resumes with channels_update", async () => {
    let channel = makeChannel();
    const { calls } = mockApi({
      [`PATCH /api/v1/channels/${channel.id}`]: async (r) => {
        const { paused } = (await r.clone().json()) as { paused: boolean };
        channel = { ...channel, paused_at: paused ? "2026-11-27T10:00:00Z" : null };
        return jsonResponse(200, channel);
      },
      "GET /api/v1/channels": () => jsonResponse(200, [channel]),
      "GET /api/v1/notifications": () => jsonResponse(200, []),
    });
    const user = userEvent.setup();
    renderWithClient(<ChannelsView />);
    await user.click(await screen.findByRole("button", { name: "Pause alice.bsky.social" }));
    await screen.findByTestId("channel-paused");
    expect(await calls.find((c) => c.method === "PATCH")!.clone().json()).toEqual({ paused: true });
    await user.click(screen.getByRole("button", { name: "Resume alice.bsky.social" }));
    await waitFor(() => expect(screen.queryByTestId("channel-paused")).toBeNull());
    const patches = calls.filter((c) => c.method === "PATCH");
    expect(await patches[1]!.json()).toEqual({ paused: false });
  });

  it("opens the queue slots editor from the card", async () => {
    const channel = makeChannel();
    mockApi({
      "GET /api/v1/channels": () => jsonResponse(200, [channel]),
      "GET /api/v1/notifications": () => jsonResponse(200, []),
      [`GET /api/v1/channels/${channel.id}/slots`]: () =>
        jsonResponse(200, { channel_id: channel.id, timezone: "UTC", slots: [], next_free: null }),
    });
    const user = userEvent.setup();
    renderWithClient(<ChannelsView />);
    const toggle = await screen.findByRole("button", { name: "Queue slots for alice.bsky.social" });
    await user.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(await screen.findByTestId("queue-slots")).toBeTruthy();
    expect(screen.getByRole("checkbox", { name: "Monday 09:00" })).toBeTruthy();
  });
});
