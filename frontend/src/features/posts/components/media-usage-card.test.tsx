import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { MediaUsageCard } from "./media-usage-card";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());

const GB = 1024 ** 3;
const MB = 1024 ** 2;

describe("MediaUsageCard", { timeout: 30_000 }, () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });

  it("says in words how much is used, of what, and what happens at the limit", async () => {
    mockApi({ "GET /api/v1/media/usage": () => jsonResponse(200, { used_bytes: Math.round(12.3 * MB), quota_bytes: GB, files: 14 }) });
    renderWithClient(<MediaUsageCard />);
    expect(screen.getByRole("status").textContent).toBe("Checking how much space your images use…");
    expect((await screen.findByTestId("media-usage")).textContent).toBe("You use 12.3 MB of your 1 GB for images (14 files).");
    const bar = screen.getByRole("progressbar", { name: "Space for images: 1% used" });
    expect(bar.getAttribute("value")).toBe("1");
    expect(screen.getByText(/When it is full, new uploads are refused/)).toBeTruthy();
    expect(screen.queryByTestId("media-usage-full")).toBeNull();
  });

  it("warns when almost full and says uploads are refused when full", async () => {
    mockApi({ "GET /api/v1/media/usage": () => jsonResponse(200, { used_bytes: GB, quota_bytes: GB, files: 80 }) });
    renderWithClient(<MediaUsageCard />);
    const full = await screen.findByTestId("media-usage-full");
    expect(full.textContent).toMatch(/^The space for images is full, so new uploads are refused\./);
    expect(screen.getByRole("progressbar", { name: "Space for images: 100% used" })).toBeTruthy();
  });

  it("says when it could not check, and tries again on request", async () => {
    let calls = 0;
    mockApi({
      "GET /api/v1/media/usage": () =>
        ++calls === 1
          ? jsonResponse(500, { error: { code: "internal", message: "The server ran into a problem." } })
          : jsonResponse(200, { used_bytes: 0.95 * GB, quota_bytes: GB, files: 3 }),
    });
    const user = userEvent.setup();
    renderWithClient(<MediaUsageCard />);
    const error = await screen.findByTestId("media-usage-error");
    expect(error.textContent).toContain("Couldn't check how much space your images use. The server ran into a problem.");
    await user.click(within(error).getByRole("button", { name: "Try again" }));
    expect((await screen.findByTestId("media-usage-almost")).textContent).toMatch(/^The space for images is almost full\./);
    expect(screen.getByTestId("media-usage").textContent).toBe("You use 972.8 MB of your 1 GB for images (3 files).");
  });
});
