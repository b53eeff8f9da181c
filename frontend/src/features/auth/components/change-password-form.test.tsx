import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, startSession } from "@/api/session";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { ChangePasswordForm } from "./change-password-form";

vi.mock("react-hot-toast", () => ({ default: { success: vi.fn(), error: vi.fn() } }));

async function submit(current: string, next: string, confirm = next) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Current password"), current);
  await user.type(screen.getByLabelText("New password"), next);
  await user.type(screen.getByLabelText("Confirm new password"), confirm);
  await user.click(screen.getByRole("button", { name: "Change password" }));
}

describe("ChangePasswordForm", () => {
  beforeEach(() => {
    resetSession();
    startSession({ access_token: "t", expires_in: 900 });
  });

  it("shows a wrong current password on that field, without logging out", async () => {
    const { calls } = mockApi({
      "POST /api/v1/auth/change-password": () =>
        jsonResponse(401, { error: { code: "invalid_credentials", message: "Your current password is incorrect." } }),
      "POST /api/v1/auth/refresh": () => jsonResponse(401, { error: { code: "invalid_refresh_token", message: "No." } }),
    });
    renderWithClient(<ChangePasswordForm email="ada@example.com" />);
    await submit("wrong-password", "Tulip-Marble-Orbit-42");
    expect(await screen.findByText("Your current password is incorrect.")).toBeTruthy();
    expect(screen.getByLabelText("Current password").getAttribute("aria-invalid")).toBe("true");
    expect(calls.some((r) => new URL(r.url).pathname === "/api/v1/auth/change-password")).toBe(true);
  });

  it("checks the confirmation locally", async () => {
    const { fetch } = mockApi({});
    renderWithClient(<ChangePasswordForm email="ada@example.com" />);
    await submit("old-password-1", "Tulip-Marble-Orbit-42", "Tulip-Marble-Orbit-43");
    expect(await screen.findByText("The passwords don't match.")).toBeTruthy();
    expect(fetch).not.toHaveBeenCalled();
  });

  it("sends only the two passwords", async () => {
    const { calls } = mockApi({ "POST /api/v1/auth/change-password": () => new Response(null, { status: 204 }) });
    renderWithClient(<ChangePasswordForm email="ada@example.com" />);
    await submit("old-password-1", "Tulip-Marble-Orbit-42");
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(await calls[0]?.json()).toEqual({ current_password: "old-password-1", new_password: "Tulip-Marble-Orbit-42" });
  });
});
