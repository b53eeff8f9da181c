import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession, sessionStore } from "@/api/session";
import { authResponse, jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { SignupForm } from "./signup-form";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());
vi.mock("react-hot-toast", () => ({ default: { success: vi.fn(), error: vi.fn() } }));

async function fillAndSubmit(email: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Email"), email);
  await user.type(screen.getByLabelText("Password"), password);
  await user.click(screen.getByRole("button", { name: "Create account" }));
}

describe("SignupForm", () => {
  beforeEach(() => resetSession());

  it("labels every input and shows the strength hint", async () => {
    renderWithClient(<SignupForm />);
    expect(screen.getByLabelText("Email")).toHaveProperty("type", "email");
    await userEvent.setup().type(screen.getByLabelText("Password"), "short");
    expect(screen.getByTestId("password-strength").textContent).toContain("Too short");
  });

  it("validates before calling the server", async () => {
    const { fetch } = mockApi({});
    renderWithClient(<SignupForm />);
    await fillAndSubmit("not-an-email", "123");
    expect(await screen.findByText("Enter a valid email address.")).toBeTruthy();
    expect(screen.getByText("Use at least 10 characters.")).toBeTruthy();
    expect(fetch).not.toHaveBeenCalled();
  });

  it("shows email_taken on the email field", async () => {
    mockApi({
      "POST /api/v1/auth/register": () =>
        jsonResponse(409, { error: { code: "email_taken", message: "An account with this email already exists." } }),
    });
    renderWithClient(<SignupForm />);
    await fillAndSubmit("ada@example.com", "Tulip-Marble-Orbit-42");
    const message = await screen.findByText("An account with this email already exists.");
    const email = screen.getByLabelText("Email");
    expect(email.getAttribute("aria-invalid")).toBe("true");
    expect(email.getAttribute("aria-describedby")).toBe(message.closest("p")?.id);
  });

  it("puts 422 details.fields on the named fields", async () => {
    mockApi({
      "POST /api/v1/auth/register": () =>
        jsonResponse(422, {
          error: {
            code: "validation_failed",
            message: "Check the highlighted fields.",
            details: { fields: { password: "This password is too common." } },
          },
        }),
    });
    renderWithClient(<SignupForm />);
    await fillAndSubmit("ada@example.com", "Tulip-Marble-Orbit-42");
    expect(await screen.findByText("This password is too common.")).toBeTruthy();
    expect(screen.getByLabelText("Password").getAttribute("aria-invalid")).toBe("true");
  });

  it("starts the session with the web client header on success", async () => {
    const { calls } = mockApi({ "POST /api/v1/auth/register": () => jsonResponse(201, authResponse("tok")) });
    renderWithClient(<SignupForm />);
    await fillAndSubmit("ada@example.com", "Tulip-Marble-Orbit-42");
    await waitFor(() => expect(sessionStore.getState().status).toBe("authenticated"));
    expect(sessionStore.getState().accessToken).toBe("tok");
    expect(calls[0]?.headers.get("x-letsgrow-client")).toBe("web");
  });
});
