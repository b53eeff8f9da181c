import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/env";
import { newContext, screenshot, seriousViolations, settle, signUp, uniqueEmail, watchErrors } from "./support/browser";
import { startServer, stopChild, TARGET_DIR, type RunningServer } from "./support/server";

/** The dev-only platform fakes (crates/letsgrow-fakes): `cargo build --release -p letsgrow-fakes`. */
const FAKES_BIN = process.env.LETSGROW_FAKES_BIN ?? `${TARGET_DIR}/release/letsgrow-fakes`;
const haveFakes = existsSync(FAKES_BIN);
if (!haveFakes) {
  console.warn(
    `[e2e] SKIPPING oauth.e2e.ts: the platform fakes binary is missing at ${FAKES_BIN}. ` +
      "Build it with `cargo build --release -p letsgrow-fakes` or set LETSGROW_FAKES_BIN.",
  );
}

interface Fakes {
  client_id: string;
  client_secret: string;
  linkedin: string;
  reddit: string;
  instagram: string;
  threads: string;
}

/** Starts the fakes and reads the one JSON line they print (base URLs, client credentials). */
function startFakes(): Promise<{ child: ChildProcess; fakes: Fakes }> {
  const child = spawn(FAKES_BIN, ["--linkedin", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${FAKES_BIN} printed nothing within 15 s`)), 15_000);
    child.once("exit", (code) => reject(new Error(`${FAKES_BIN} exited with code ${code} before printing its URLs`)));
    createInterface({ input: child.stdout! }).once("line", (line) => {
      clearTimeout(timer);
      try {
        resolve({ child, fakes: JSON.parse(line) as Fakes });
      } catch (error) {
        reject(new Error(`${FAKES_BIN} printed something that isn't JSON: ${line} (${String(error)})`));
      }
    });
  });
}

/**
 * Connecting an OAuth platform end to end, against the LinkedIn fake: Channels →
 * Continue with LinkedIn → the fake's consent page → Authorize LetsGrow → back on
 * /channels/ with a toast, a clean URL and the channel listed with status OK.
 * The server is this file's own, configured with the fake's app credentials.
 */
describe.skipIf(!haveFakes)("oauth connect (LinkedIn fake)", () => {
  let fakesChild: ChildProcess | undefined;
  let fakes: Fakes;
  let server: RunningServer | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  async function shoot(name: string) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, name);
  }

  async function expectAxeClean(name: string) {
    await page.evaluate(() => window.scrollTo(0, 0));
    const found = await seriousViolations(page);
    expect({ [name]: found }).toEqual({ [name]: [] });
  }

  async function choose(name: string) {
    await page.getByRole("radio", { name, exact: true }).check();
  }

  beforeAll(async () => {
    ({ child: fakesChild, fakes } = await startFakes());
    server = await startServer({
      LETSGROW__PLATFORMS__LINKEDIN__CLIENT_ID: fakes.client_id,
      LETSGROW__PLATFORMS__LINKEDIN__CLIENT_SECRET: fakes.client_secret,
      LETSGROW__PLATFORMS__LINKEDIN__API_BASE: fakes.linkedin,
      LETSGROW__PLATFORMS__LINKEDIN__AUTH_BASE: fakes.linkedin,
      LETSGROW__NETWORK__ALLOW_PRIVATE: "true",
    });
    browser = await launchChromium();
    context = await newContext(browser, server.baseURL, { colorScheme: "light" });
    page = await context.newPage();
    errors = watchErrors(page);
    await signUp(page, uniqueEmail("oauth"));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (fakesChild) await stopChild(fakesChild);
  });

  it("offers LinkedIn, which this server is configured for, at 1280 and 375 px", async () => {
    await page.goto("/channels/");
    await settle(page);
    await page.getByRole("button", { name: "Connect your first channel" }).click();
    await page.getByRole("heading", { name: "Connect a channel", level: 2 }).waitFor();
    await page.getByTestId("platform-options").waitFor();
    await choose("LinkedIn");
    expect(await page.getByRole("button", { name: "Continue with LinkedIn" }).isEnabled()).toBe(true);
    await page.getByText("You'll approve LetsGrow on LinkedIn and come back here.", { exact: false }).waitFor();
    // The configured platform comes before the ones this server can't connect.
    const order = await page.getByTestId("platform-options").getByRole("radio").evaluateAll((els) =>
      els.map((el) => (el as HTMLInputElement).value),
    );
    expect(order.indexOf("linkedin")).toBeLessThan(order.indexOf("x"));
    await shoot("oauth-connect-linkedin-light");
    await expectAxeClean("connect-linkedin-light");

    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForTimeout(150);
    await shoot("oauth-connect-linkedin-375-light");
    await expectAxeClean("connect-linkedin-375-light");
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it("connects LinkedIn through the fake's consent page and comes back to Channels", async () => {
    await page.getByRole("button", { name: "Continue with LinkedIn" }).click();
    await page.waitForURL((url) => url.origin === new URL(fakes.linkedin).origin);
    expect(new URL(page.url()).searchParams.get("client_id")).toBe(fakes.client_id);
    await page.getByRole("button", { name: "Authorize LetsGrow" }).click();

    // The callback lands on /channels/?connected=<id>, which the page reads and then removes.
    await page.waitForURL((url) => url.pathname === "/channels/" && url.search === "", { timeout: 30_000 });
    await settle(page);
    const toast = page.getByText(/^Connected .+ on LinkedIn\.$/);
    await toast.waitFor();
    const card = page.locator('[data-testid="channel-card"][data-platform="linkedin"]');
    await card.waitFor();
    expect(await card.getByTestId("channel-health").textContent()).toBe("Status: OK");
    const handle = (await card.getByRole("heading", { level: 3 }).textContent()) ?? "";
    expect((await toast.textContent()) ?? "").toBe(`Connected ${handle} on LinkedIn.`);
    await shoot("oauth-connected-linkedin");
    await expectAxeClean("connected-linkedin");

    // A reload doesn't repeat the toast: the query is gone from the URL.
    await page.waitForTimeout(4500);
    await page.reload();
    await settle(page);
    await card.waitFor();
    expect(await page.getByText(/^Connected .+ on LinkedIn\.$/).count()).toBe(0);
  });

  it("comes back with the platform's refusal when the user cancels", async () => {
    await page.getByRole("button", { name: "Connect a channel", exact: true }).click();
    await choose("LinkedIn");
    await page.getByRole("button", { name: "Continue with LinkedIn" }).click();
    await page.waitForURL((url) => url.origin === new URL(fakes.linkedin).origin);
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.waitForURL((url) => url.pathname === "/channels/" && url.search === "", { timeout: 30_000 });
    await settle(page);
    await page.locator('[data-testid="channel-card"][data-platform="linkedin"]').waitFor();
    expect(await page.locator('[data-testid="channel-card"]').count()).toBe(1);
    // react-hot-toast renders its message in a role=status live region.
    const message = page.locator('[role="status"]').filter({ hasText: /./ }).last();
    await message.waitFor();
    expect(((await message.textContent()) ?? "").length).toBeGreaterThan(0);
    await shoot("oauth-cancelled");
    expect(errors).toEqual([]);
  });
});
