import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./support/env";
import { newContext, PASSWORD, path, screenshot, settle, uniqueEmail } from "./support/browser";

/**
 * The browser flow: sign up → dashboard → reload stays signed in → settings
 * time zone saved → log out → a protected route redirects to log-in (and back after).
 */
describe("account flow", () => {
  const baseURL = inject("baseURL");
  const email = uniqueEmail("flow");
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    // The browser's zone is what Settings suggests for a new account.
    context = await newContext(browser, baseURL, { timezoneId: "Europe/Berlin" });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("sends a visitor from a protected page to log in", async () => {
    await page.goto("/dashboard/");
    await page.waitForURL("**/login/?next=*");
    expect(path(page)).toBe("/login/?next=%2Fdashboard%2F");
    await page.getByRole("heading", { name: "Log in", level: 1 }).waitFor();
  });

  it("signs up and lands on the dashboard", async () => {
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL("**/signup/?next=*");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill("short");
    await expect.poll(() => page.getByTestId("password-strength").textContent()).toContain("Too short");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/dashboard/");
    await settle(page);
    await page.getByText("Your account is ready. Welcome to LetsGrow!").waitFor();
    expect(await page.getByTestId("user-menu-button").getAttribute("aria-label")).toContain(email);
    await page.getByRole("heading", { name: "Get set up" }).waitFor();
  });

  it("stays signed in across a reload", async () => {
    await page.reload();
    await settle(page);
    expect(path(page)).toBe("/dashboard/");
    expect(await page.getByTestId("user-menu-button").getAttribute("aria-label")).toContain(email);
  });

  it("suggests the browser's time zone and saves the one chosen", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await page.waitForURL("**/settings/");
    await settle(page);
    expect(await page.getByTestId("account-email").textContent()).toBe(email);
    await page.getByTestId("timezone-suggestion").waitFor();
    const select = page.getByRole("combobox", { name: "Time zone" });
    expect(await select.inputValue()).toBe("Europe/Berlin");
    expect(await page.getByTestId("saved-timezone").textContent()).toBe("UTC");

    await select.selectOption("America/New_York");
    await page.getByRole("button", { name: "Save time zone" }).click();
    await page.getByText("Time zone saved: America/New York.").waitFor();
    await expect.poll(() => page.getByTestId("saved-timezone").textContent()).toBe("America/New_York");

    await page.reload();
    await settle(page);
    await expect.poll(() => page.getByTestId("saved-timezone").textContent()).toBe("America/New_York");
    expect(await page.getByRole("combobox", { name: "Time zone" }).inputValue()).toBe("America/New_York");
    expect(await page.getByTestId("timezone-suggestion").count()).toBe(0);
  });

  it("shows a wrong current password on its field", async () => {
    await page.getByLabel("Current password", { exact: true }).fill("not-my-password-at-all");
    await page.getByLabel("New password", { exact: true }).fill("Another-Long-Passphrase-7");
    await page.getByLabel("Confirm new password", { exact: true }).fill("Another-Long-Passphrase-7");
    await page.getByRole("button", { name: "Change password" }).click();
    const field = page.getByLabel("Current password", { exact: true });
    await expect.poll(() => field.getAttribute("aria-invalid")).toBe("true");
    const describedBy = await field.getAttribute("aria-describedby");
    expect(describedBy).toBeTruthy();
    expect((await page.locator(`[id="${describedBy}"]`).textContent())?.length).toBeGreaterThan(3);
    await screenshot(page, "flow-settings-field-error", false);
  });

  it("logs out from the user menu", async () => {
    await page.getByTestId("user-menu-button").click();
    await page.getByRole("button", { name: "Log out", exact: true }).click();
    await page.waitForURL("**/login/");
    await page.getByText("You're logged out.").waitFor();
  });

  it("redirects a protected route to log-in after logging out, then comes back", async () => {
    await page.goto("/settings/");
    await page.waitForURL("**/login/?next=*");
    expect(path(page)).toBe("/login/?next=%2Fsettings%2F");

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill("wrong-password-here");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByTestId("form-error").waitFor();

    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL("**/settings/");
    await settle(page);
    await expect.poll(() => page.getByTestId("saved-timezone").textContent()).toBe("America/New_York");
  });

  it("refuses a second account with the same email, on the email field", async () => {
    const guest = await newContext(browser, baseURL);
    const other = await guest.newPage();
    await other.goto("/signup/");
    await other.getByLabel("Email").fill(email);
    await other.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await other.getByRole("button", { name: "Create account" }).click();
    const field = other.getByLabel("Email");
    await expect.poll(() => field.getAttribute("aria-invalid")).toBe("true");
    await guest.close();
  });

  it("remembers the dark theme toggle across reloads", async () => {
    await page.goto("/dashboard/");
    await settle(page);
    const isDark = () => page.evaluate(() => document.documentElement.classList.contains("dark"));
    expect(await isDark()).toBe(false);
    await page.getByTestId("theme-toggle").click();
    await expect.poll(isDark).toBe(true);
    await page.reload();
    await settle(page);
    expect(await isDark()).toBe(true);
  });

  it("logs out everywhere from settings", async () => {
    await page.goto("/settings/");
    await settle(page);
    await page.getByRole("button", { name: "Log out everywhere" }).click();
    await page.getByRole("button", { name: "Yes, log out everywhere" }).click();
    await page.waitForURL("**/login/");
    await page.getByText("Logged out on every device.").waitFor();
    await page.goto("/dashboard/");
    await page.waitForURL("**/login/?next=*");
  });
});
