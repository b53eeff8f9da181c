import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { navigation } from "@/test/next-navigation";
import { AppShell } from "./app-shell";

vi.mock("next/navigation", async () => (await import("@/test/next-navigation")).nextNavigationMock());

describe("AppShell", () => {
  beforeEach(() => {
    navigation.pathname = "/calendar/";
  });

  it("marks the current page in the sidebar", () => {
    render(<AppShell userMenu={<span>menu</span>}>content</AppShell>);
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getAllByRole("link")).toHaveLength(9);
    expect(within(nav).getByRole("link", { name: "Calendar" }).getAttribute("aria-current")).toBe("page");
    expect(within(nav).getByRole("link", { name: "Queue" }).getAttribute("aria-current")).toBeNull();
  });

  it("opens the mobile drawer and closes it with Escape, returning focus", async () => {
    const user = userEvent.setup();
    render(<AppShell userMenu={<span>menu</span>}>content</AppShell>);
    const toggle = screen.getByRole("button", { name: "Open navigation" });
    await user.click(toggle);
    const dialog = screen.getByRole("dialog", { name: "Navigation" });
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(dialog.contains(document.activeElement)).toBe(true);
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(toggle);
  });

  it("offers a skip link to the main content", () => {
    render(<AppShell userMenu={null}>content</AppShell>);
    expect(screen.getByRole("link", { name: "Skip to content" }).getAttribute("href")).toBe("#main");
    expect(screen.getByRole("main").id).toBe("main");
  });
});
