import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession } from "@/api/session";
import { navigation } from "@/test/next-navigation";
import { jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { LoginForm } from "./login-form";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());
vi.mock("react-hot-toast", () => ({ default: { success: vi.fn(), error: vi.fn() } }));

describe("LoginForm", () => {
  beforeEach(() => {
    resetSession();
    navigation.search = "";
  });

  it("shows invalid credentials for the whole form", async () => {
    mockApi({
      "POST /api/v1/auth/login": () =>
        jsonResponse(401, { error: { code: "invalid_credentials", message: "The email or password is incorrect." } }),
    });
    renderWithClient(<LoginForm />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "whatever-it-is");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect((await screen.findByTestId("form-error")).textContent).toContain("The email or password is incorrect.");
  });

  it("tells how long to wait when rate limited", async () => {
    mockApi({
      "POST /api/v1/auth/login": () =>
        jsonResponse(429, { error: { code: "rate_limited", message: "Too many requests." } }, { "Retry-After": "30" }),
    });
    renderWithClient(<LoginForm />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "whatever-it-is");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect((await screen.findByTestId("form-error")).textContent).toContain("Try again in 30 seconds.");
  });

  it("keeps ?next= on the sign-up link", () => {
    navigation.search = "next=%2Fsettings%2F";
    renderWithClient(<LoginForm />);
    // next/link drops the trailing slash outside a Next build (trailingSlash is a build setting).
    expect(screen.getByRole("link", { name: "Create an account" }).getAttribute("href")).toMatch(
      /^\/signup\/?\?next=%2Fsettings%2F$/,
    );
  });

  it("can reveal the password", async () => {
    renderWithClient(<LoginForm />);
    const input = screen.getByLabelText("Password");
    expect(input.getAttribute("type")).toBe("password");
    await userEvent.setup().click(screen.getByRole("button", { name: "Show password" }));
    expect(input.getAttribute("type")).toBe("text");
  });
});
