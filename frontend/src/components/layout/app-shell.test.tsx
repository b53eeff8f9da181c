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

  it("puts the notifications bell in the top bar between the theme toggle and the account menu", () => {
    render(
      <AppShell userMenu={<span>menu</span>} notifications={<button type="button">bell</button>}>
        content
      </AppShell>,
    );
    const header = screen.getByRole("banner");
    const order = [screen.getByTestId("theme-toggle"), screen.getByRole("button", { name: "bell" }), screen.getByText("menu")];
    expect(order.every((el) => header.contains(el))).toBe(true);
    expect(order[0]!.compareDocumentPosition(order[1]!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(order[1]!.compareDocumentPosition(order[2]!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("offers a skip link to the main content", () => {
    render(<AppShell userMenu={null}>content</AppShell>);
    expect(screen.getByRole("link", { name: "Skip to content" }).getAttribute("href")).toBe("#main");
    expect(screen.getByRole("main").id).toBe("main");
  });
});
