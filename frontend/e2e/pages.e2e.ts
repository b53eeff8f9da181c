import type { Browser, BrowserContextOptions } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "./support/env";
import { newContext, screenshot, seriousViolations, settle, signUp, uniqueEmail, watchErrors, type AxeProblem } from "./support/browser";

const APP_PAGES = ["dashboard", "compose", "calendar", "queue", "channels", "analytics", "growth", "reports", "settings"];
const GUEST_PAGES = ["login", "signup"];

const VARIANTS: Array<{ name: string; options: BrowserContextOptions }> = [
  { name: "light", options: { colorScheme: "light" } },
  { name: "dark", options: { colorScheme: "dark" } },
  { name: "375-light", options: { colorScheme: "light", viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true } },
  { name: "375-dark", options: { colorScheme: "dark", viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true } },
];

/**
 * Every page in light, dark and at 375 px: a screenshot in e2e-artifacts/, and axe-core
 * with no serious or critical violations.
 */
describe("every page", () => {
  const baseURL = inject("baseURL");
  let browser: Browser;
  const problems: Record<string, AxeProblem[]> = {};

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const variant of VARIANTS) {
    it(`renders and passes axe: ${variant.name}`, async () => {
      const guest = await newContext(browser, baseURL, variant.options);
      const guestPage = await guest.newPage();
      const errors = watchErrors(guestPage);
      for (const name of GUEST_PAGES) {
        await guestPage.goto(`/${name}/`);
        await settle(guestPage);
        await screenshot(guestPage, `${name}-${variant.name}`);
        const found = await seriousViolations(guestPage);
        if (found.length) problems[`${name}-${variant.name}`] = found;
      }
      await guestPage.goto("/no-such-page/");
      await settle(guestPage);
      await screenshot(guestPage, `404-${variant.name}`);
      const notFound = await seriousViolations(guestPage);
      if (notFound.length) problems[`404-${variant.name}`] = notFound;
      await guest.close();

      const context = await newContext(browser, baseURL, variant.options);
      const page = await context.newPage();
      const appErrors = watchErrors(page);
      await signUp(page, uniqueEmail(`pages-${variant.name}`));
      for (const name of APP_PAGES) {
        await page.goto(`/${name}/`);
        await settle(page);
        await page.waitForTimeout(150);
        await screenshot(page, `${name}-${variant.name}`);
        const found = await seriousViolations(page);
        if (found.length) problems[`${name}-${variant.name}`] = found;
      }
      if (variant.name.startsWith("375")) {
        await page.getByRole("button", { name: "Open navigation" }).click();
        await page.getByRole("dialog", { name: "Navigation" }).waitFor();
        await screenshot(page, `nav-open-${variant.name}`, false);
        const found = await seriousViolations(page);
        if (found.length) problems[`nav-open-${variant.name}`] = found;
        await page.keyboard.press("Escape");
      } else {
        await page.getByTestId("user-menu-button").click();
        await screenshot(page, `user-menu-${variant.name}`, false);
      }
      await context.close();

      const mine = Object.fromEntries(Object.entries(problems).filter(([k]) => k.endsWith(variant.name)));
      expect(mine).toEqual({});
      expect([...errors, ...appErrors]).toEqual([]);
    });
  }

  it("is keyboard navigable: skip link, then the sidebar", async () => {
    const context = await newContext(browser, baseURL);
    const page = await context.newPage();
    await signUp(page, uniqueEmail("keyboard"));
    await page.goto("/dashboard/");
    await settle(page);
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => document.activeElement?.textContent?.trim());
    expect(first).toBe("Skip to content");
    const labels: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      labels.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ""));
    }
    expect(labels).toEqual(expect.arrayContaining(["Compose", "Calendar", "Settings"]));
    // Focus is visible: the focused link draws an outline.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).not.toBe("none");
    await context.close();
  });
});
