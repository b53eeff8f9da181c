import AxeBuilder from "@axe-core/playwright";
import { join } from "node:path";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { artifactsDir } from "./env";

export const PASSWORD = "Tulip-Marble-Orbit-42";

export function uniqueEmail(tag: string): string {
  return `e2e-${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

export async function newContext(browser: Browser, baseURL: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ baseURL, viewport: { width: 1280, height: 860 }, locale: "en-US", ...options });
}

export function path(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/** Signs up through the UI and waits for the dashboard. */
export async function signUp(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto("/signup/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/dashboard/");
  await page.getByTestId("user-menu-button").waitFor();
}

/** The page is drawn: h1 visible, spinners gone, web fonts loaded. */
export async function settle(page: Page): Promise<void> {
  await page.locator("h1").first().waitFor({ state: "visible" });
  await page.waitForFunction(() => !document.querySelector('[role="status"] .animate-spin'));
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: join(artifactsDir(), `${name}.png`), fullPage });
}

export interface AxeProblem {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** axe-core on the current page: serious and critical violations only. */
export async function seriousViolations(page: Page): Promise<AxeProblem[]> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? "",
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
}

/**
 * Collects uncaught errors and console errors (hydration mismatches, React warnings).
 * "Failed to load resource" is the browser logging an expected 401 (no session yet).
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    if (text.startsWith("Failed to load resource")) return;
    errors.push(`console: ${text}`);
  });
  return errors;
}
