import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { endSession, resetSession } from "@/api/session";
import { navigation } from "@/test/next-navigation";
import { authResponse, jsonResponse, mockApi, renderWithClient } from "@/test/render";
import { resetRestore } from "../api/restore";
import { GuestOnly, RequireSession } from "./session-gate";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());

describe("session gates", () => {
  beforeEach(() => {
    resetSession();
    resetRestore();
    navigation.router.replace.mockReset();
    navigation.pathname = "/settings/";
    navigation.search = "";
  });

  it("restores the session from the refresh cookie", async () => {
    const { calls } = mockApi({ "POST /api/v1/auth/refresh": () => jsonResponse(200, authResponse()) });
    renderWithClient(<RequireSession>secret page</RequireSession>);
    expect(await screen.findByText("secret page")).toBeTruthy();
    expect(calls[0]?.headers.get("x-letsgrow-client")).toBe("web");
    expect(navigation.router.replace).not.toHaveBeenCalled();
  });

  it("sends a visitor without a session to log in, remembering the page", async () => {
    mockApi({ "POST /api/v1/auth/refresh": () => jsonResponse(401, { error: { code: "invalid_refresh_token", message: "No." } }) });
    renderWithClient(<RequireSession>secret page</RequireSession>);
    await waitFor(() => expect(navigation.router.replace).toHaveBeenCalledWith("/login/?next=%2Fsettings%2F"));
    expect(screen.queryByText("secret page")).toBeNull();
  });

  it("goes to plain /login/ after an explicit log-out", async () => {
    endSession("logout");
    renderWithClient(<RequireSession>secret page</RequireSession>);
    await waitFor(() => expect(navigation.router.replace).toHaveBeenCalledWith("/login/"));
  });

  it("sends a signed-in user from log-in to ?next=", async () => {
    window.history.replaceState(null, "", "/login/?next=%2Fcalendar%2F");
    mockApi({ "POST /api/v1/auth/refresh": () => jsonResponse(200, authResponse()) });
    renderWithClient(<GuestOnly>login form</GuestOnly>);
    await waitFor(() => expect(navigation.router.replace).toHaveBeenCalledWith("/calendar/"));
    window.history.replaceState(null, "", "/");
  });

  it("shows the log-in form to a visitor", async () => {
    mockApi({ "POST /api/v1/auth/refresh": () => jsonResponse(401, { error: { code: "invalid_refresh_token", message: "No." } }) });
    renderWithClient(<GuestOnly>login form</GuestOnly>);
    expect(await screen.findByText("login form")).toBeTruthy();
  });
});
