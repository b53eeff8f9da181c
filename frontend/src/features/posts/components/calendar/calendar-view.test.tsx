import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { navigation } from "@/test/next-navigation";
import { useCalendarStore } from "@/stores/calendar";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { makePost, makeResolved, makeTarget } from "../../test-data";
import { CalendarView } from "./calendar-view";
import { DRAG_TYPE } from "./target-chip";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());
vi.mock("react-hot-toast", () => ({ default: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn() }) }));

// 04:30 UTC on 8 March 2026: 23:30 on the 7th in New York (EST), 05:30 on the 8th in Berlin.
const post = makePost({ targets: [makeTarget({ scheduled_at: "2026-03-08T04:30:00Z", state: "published", url: "https://bsky.app/p/1" })] });

function cellOf(chip: HTMLElement) {
  return chip.closest<HTMLElement>("[data-testid='week-cell'], [data-testid='month-cell']");
}

// Typing and dialogs are slow in jsdom on a busy 2-core machine.
describe("CalendarView", { timeout: 30_000 }, () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
    useCalendarStore.setState({ view: "week", anchor: "2026-03-07", chosen: true });
    navigation.router.push.mockReset();
  });

  it("places a target on its day and hour in the user's zone (New York), and asks for that week", async () => {
    const { calls } = mockApi({ "GET /api/v1/posts": () => jsonResponse(200, [post]) });
    renderWithClient(<CalendarView timezone="America/New_York" />);
    const chip = await screen.findByTestId("calendar-chip");
    expect(cellOf(chip)?.dataset).toMatchObject({ day: "2026-03-07", hour: "23" });
    // The test locale is en-US: times read the 12-hour way, as everywhere else.
    expect(chip.textContent).toContain("11:30 PM");
    const url = new URL(calls[0]!.url);
    // Monday 2 March 00:00 EST to Monday 9 March 00:00 EDT (the clocks changed on the 8th).
    expect(url.searchParams.get("from")).toBe("2026-03-02T05:00:00.000Z");
    expect(url.searchParams.get("to")).toBe("2026-03-09T04:00:00.000Z");
    expect(screen.getByTestId("calendar-title").textContent).toMatch(/^Mar 2\s–\s8, 2026$/);
  });

  it("places the same target on the next day in Berlin", async () => {
    mockApi({ "GET /api/v1/posts": () => jsonResponse(200, [post]) });
    renderWithClient(<CalendarView timezone="Europe/Berlin" />);
    const chip = await screen.findByTestId("calendar-chip");
    expect(cellOf(chip)?.dataset).toMatchObject({ day: "2026-03-08", hour: "5" });
    expect(chip.dataset.tone).toBe("green");
    expect(within(chip).getByTestId("chip-external-link").getAttribute("href")).toBe("https://bsky.app/p/1");
  });

  it("uses the zone in the month view too, and moves between months", async () => {
    const { calls } = mockApi({ "GET /api/v1/posts": () => jsonResponse(200, [post]) });
    useCalendarStore.setState({ view: "month", anchor: "2026-03-07" });
    const user = userEvent.setup();
    renderWithClient(<CalendarView timezone="America/New_York" />);
    const chip = await screen.findByTestId("calendar-chip");
    expect(cellOf(chip)?.dataset.day).toBe("2026-03-07");
    expect(screen.getByTestId("calendar-title").textContent).toBe("March 2026");
    await user.click(screen.getByRole("button", { name: "Next month" }));
    expect(screen.getByTestId("calendar-title").textContent).toBe("April 2026");
    await waitFor(() => expect(calls.length).toBe(2));
    expect(new URL(calls[1]!.url).searchParams.get("from")).toBe("2026-03-30T04:00:00.000Z");
  });

  it("refetches every 5 s while something visible is scheduled", async () => {
    const scheduled = makePost({ targets: [makeTarget({ scheduled_at: "2026-03-06T15:00:00Z", state: "scheduled" })] });
    const { calls } = mockApi({ "GET /api/v1/posts": () => jsonResponse(200, [scheduled]) });
    renderWithClient(<CalendarView timezone="America/New_York" />);
    await screen.findByTestId("calendar-chip");
    await waitFor(() => expect(calls.length).toBeGreaterThanOrEqual(2), { timeout: 7_000, interval: 200 });
  });

  it("confirms a drag with the resolved time, then reschedules by local time", async () => {
    useCalendarStore.setState({ view: "week", anchor: "2027-12-01" });
    const future = makePost({ id: "post-9", targets: [makeTarget({ scheduled_at: "2027-12-01T14:30:00Z", state: "scheduled" })] });
    const { calls } = mockApi({
      "GET /api/v1/posts": () => jsonResponse(200, [future]),
      "GET /api/v1/schedule/resolve": (r) =>
        jsonResponse(200, makeResolved({ utc: "2027-12-03T21:30:00Z", timezone: new URL(r.url).searchParams.get("timezone") ?? "" })),
      "PATCH /api/v1/posts/post-9": () => jsonResponse(200, future),
    });
    renderWithClient(<CalendarView timezone="America/New_York" />);
    const chip = await screen.findByTestId("calendar-chip");
    expect(cellOf(chip)?.dataset).toMatchObject({ day: "2027-12-01", hour: "9" });
    const dataTransfer = { setData: vi.fn(), types: [DRAG_TYPE], effectAllowed: "", dropEffect: "" };
    fireEvent.dragStart(chip, { dataTransfer });
    const target = document.querySelector<HTMLElement>("[data-testid='week-cell'][data-day='2027-12-03'][data-hour='16']")!;
    fireEvent.dragOver(target, { dataTransfer });
    fireEvent.drop(target, { dataTransfer });

    const dialog = await screen.findByRole("dialog", { name: "Reschedule post" });
    expect((within(dialog).getByLabelText("Date") as HTMLInputElement).value).toBe("2027-12-03");
    expect((within(dialog).getByLabelText("Time") as HTMLInputElement).value).toBe("16:30");
    await waitFor(() => expect(within(dialog).getByTestId("schedule-resolution").dataset.kind).toBe("exact"));
    expect(within(dialog).getByTestId("schedule-resolution").textContent).toContain("Goes out Fri, Dec 3, 2027, 4:30 PM EST.");

    const user = userEvent.setup();
    await user.click(within(dialog).getByRole("button", { name: "Reschedule" }));
    await waitFor(() => expect(calls.some((c) => c.method === "PATCH")).toBe(true));
    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(await patch.json()).toEqual({ schedule: { mode: "local", local: "2027-12-03T16:30", timezone: "America/New_York" } });
  });

  it("shows the first words and the platform's logo on a chip, and an empty slot starts a post at that hour", async () => {
    const words = makePost({ id: "w", content: { parts: [{ text: "Spring launch: everything you need to know", media: [] }], link: null }, targets: [makeTarget({ scheduled_at: "2026-03-05T15:00:00Z" })] });
    mockApi({ "GET /api/v1/posts": () => jsonResponse(200, [words]) });
    renderWithClient(<CalendarView timezone="UTC" />);
    const chip = await screen.findByTestId("calendar-chip");
    expect(within(chip).getByTestId("chip-text").textContent).toBe("Spring launch: everything you need to know");
    expect(chip.querySelector("[data-platform-logo='bluesky'] path")).not.toBeNull();
    // The legend is words and dots, not buttons.
    expect(within(screen.getByTestId("calendar-legend")).queryAllByRole("button")).toEqual([]);
    const empty = document.querySelector<HTMLElement>("[data-testid='week-cell'][data-day='2026-03-04'][data-hour='10']")!;
    fireEvent.click(empty);
    expect(navigation.router.push).toHaveBeenCalledWith("/compose/?at=2026-03-04T10%3A00");
    // A click on the chip's cell but on the chip opens the post, not the composer.
    navigation.router.push.mockReset();
    fireEvent.click(within(chip).getByTestId("chip-text"));
    expect(navigation.router.push).not.toHaveBeenCalledWith(expect.stringContaining("/compose/"));
  });

  it("starts on the list view on a phone-width screen, one day under another", async () => {
    useCalendarStore.setState({ view: "week", anchor: "2026-03-07", chosen: false });
    vi.stubGlobal("matchMedia", (query: string) => ({ matches: query.includes("max-width"), media: query, addEventListener: vi.fn(), removeEventListener: vi.fn() }));
    mockApi({ "GET /api/v1/posts": () => jsonResponse(200, [post]) });
    renderWithClient(<CalendarView timezone="America/New_York" />);
    const list = await screen.findByTestId("day-list");
    expect(within(list).getAllByTestId("day-list-day")).toHaveLength(7);
    const saturday = within(list).getAllByTestId("day-list-day").find((d) => d.dataset.day === "2026-03-07")!;
    expect(await within(saturday).findByTestId("calendar-chip")).toBeTruthy();
    expect(screen.getByRole("button", { name: "List" }).getAttribute("aria-pressed")).toBe("true");
    vi.unstubAllGlobals();
  });
});
