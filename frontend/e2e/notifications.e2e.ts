import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newContext, screenshot, seriousViolations, settle, signUp, uniqueEmail, watchErrors } from "./support/browser";
import { launchChromium } from "./support/env";
import { startServer, type RunningServer } from "./support/server";

interface Received {
  event: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

const REFUSAL = "content refused by the receiver";

/**
 * A webhook receiver on 127.0.0.1 that records every request. The first two publishes
 * are refused with HTTP 400 `{"error":"content refused by the receiver"}`; later
 * publishes (and anything that isn't a publish, like a ping) get 200 `{"id":"hook-N"}`.
 */
function startRefusingReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  let publishes = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const event = String(req.headers["x-letsgrow-event"] ?? "");
      const refuse = event === "publish" && ++publishes <= 2;
      const status = refuse ? 400 : 200;
      received.push({ event, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      const body = refuse ? { error: REFUSAL } : { id: `hook-${received.length}` };
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/hooks/publish`, received });
    });
  });
}

/**
 * The notifications centre end to end: a webhook channel whose receiver refuses the
 * first two publishes. "Publish now" fails while the post's page is open, so that page
 * marks its notification read at once. Retry from the queue fails again: the bell shows
 * one unread notification without a reload (the queue's poll saw the state change), its
 * panel names the channel and passes axe; the notification leads to the post (failed,
 * with the receiver's message) and is read from then on; Retry there publishes the same
 * target with the same Idempotency-Key.
 */
describe("notifications centre", () => {
  let server: RunningServer | undefined;
  let receiver: Awaited<ReturnType<typeof startRefusingReceiver>> | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let postId = "";
  let publishClickedAt = 0;
  const text = `Notifications test ${Date.now()} #letsgrow`;

  const bell = () => page.getByTestId("notifications-button");
  const panel = () => page.getByTestId("notifications-panel");
  const publishes = () => receiver!.received.filter((r) => r.event === "publish");

  /** Waits for the toasts to go, so they cover nothing in a screenshot. */
  async function quiet() {
    await expect.poll(() => page.locator('[role="status"][aria-live="polite"]').count(), { timeout: 12_000, interval: 250 }).toBe(0);
  }

  /**
   * Reloads the page (the bell polls only every 30 s) and returns the bell's accessible
   * name once the list has loaded: read with the panel open, when it shows the list or
   * its empty state (while loading, the bell says "Notifications" whatever is unread).
   */
  async function bellNameAfterReload(): Promise<string | null> {
    await page.reload();
    await settle(page);
    await bell().click();
    await panel().locator("[data-testid='notification'], [data-testid='notifications-empty']").first().waitFor({ timeout: 10_000 });
    const name = await bell().getAttribute("aria-label");
    await page.keyboard.press("Escape");
    await expect.poll(() => panel().count()).toBe(0);
    return name;
  }

  beforeAll(async () => {
    receiver = await startRefusingReceiver();
    server = await startServer();
    browser = await launchChromium();
    context = await newContext(browser, server.baseURL, { colorScheme: "light" });
    // A failed step should fail fast, not wait out the 30 s default.
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    errors = watchErrors(page);
    await signUp(page, uniqueEmail("notifications"));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (receiver) await new Promise((r) => receiver!.server.close(r));
  });

  it("starts with no unread notifications", async () => {
    // Read once the list has loaded (while it loads, the bell says "Notifications" too).
    expect(await bellNameAfterReload()).toBe("Notifications");
    expect(await page.getByTestId("notifications-badge").count()).toBe(0);
    await bell().click();
    await panel().getByTestId("notifications-empty").waitFor();
    await page.keyboard.press("Escape");
    await expect.poll(() => panel().count()).toBe(0);
  });

  it("connects a webhook channel to the local receiver", async () => {
    await page.goto("/channels/");
    await settle(page);
    await page.getByRole("button", { name: "Connect your first channel" }).click();
    await page.getByRole("radio", { name: /Webhook/ }).check();
    await page.getByLabel("Webhook URL").fill(receiver!.url);
    await page.getByRole("button", { name: "Connect webhook" }).click();
    await page.getByTestId("webhook-secret").waitFor();
    await page.getByRole("button", { name: "Done, I've saved it" }).click();
    await page.getByTestId("channel-card").waitFor();
    expect(publishes()).toHaveLength(0);
  });

  it("publishes a short post now, and the receiver refuses it", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Compose" }).click();
    await page.waitForURL("**/compose/");
    await settle(page);
    // The only channel is picked already.
    expect(await page.getByRole("checkbox", { name: /127\.0\.0\.1/ }).isChecked()).toBe(true);
    await page.getByLabel("Post text", { exact: true }).fill(text);
    publishClickedAt = Date.now();
    await page.getByRole("button", { name: "Publish now" }).click();
    await page.waitForURL("**/posts/view/?id=*");
    postId = new URL(page.url()).searchParams.get("id") ?? "";
    expect(postId).not.toBe("");
    await settle(page);
    // The post page polls while the target is moving.
    await expect.poll(() => page.getByTestId("target-card").getAttribute("data-state"), { timeout: 20_000, interval: 500 }).toBe("failed");
    expect(publishes()).toHaveLength(1);
    expect(publishes()[0]!.status).toBe(400);
  });

  it("the open post page marks its own failure read, without a reload", async () => {
    // The post page's poll saw the failure and told the bell, which fetched the new
    // notification; the page then marked it read, since the failure is on screen.
    await bell().click();
    await panel().waitFor();
    const items = panel().getByTestId("notification");
    await expect.poll(() => items.count(), { timeout: 10_000, interval: 250 }).toBe(1);
    await expect.poll(() => items.first().getAttribute("data-unread"), { timeout: 5_000, interval: 250 }).toBeNull();
    await page.keyboard.press("Escape");
    await expect.poll(() => panel().count()).toBe(0);
    expect(await bell().getAttribute("aria-label")).toBe("Notifications");
    // Read on the server too.
    expect(await bellNameAfterReload()).toBe("Notifications");
  });

  it("a second failure, retried from the queue, shows on the bell within 20 s and without a reload", async () => {
    // Away from the post, so opening the notification has somewhere to go.
    await page.goto("/queue/?state=failed");
    await settle(page);
    publishClickedAt = Date.now();
    await page.getByRole("button", { name: /^Retry the failed channel “/ }).click();
    await expect.poll(() => publishes().length, { timeout: 20_000, interval: 250 }).toBe(2);
    expect(publishes()[1]!.status).toBe(400);
    // The bell polls every 30 s by itself; the queue's poll seeing the failure asks at once.
    const deadline = publishClickedAt + 20_000;
    await expect
      .poll(() => bell().getAttribute("aria-label"), { timeout: Math.max(2_000, deadline - Date.now()), interval: 250 })
      .toBe("Notifications, 1 unread");
    expect(await page.getByTestId("notifications-badge").textContent()).toBe("1");
    expect(new URL(page.url()).pathname).toBe("/queue/");
  });

  it("lists the failure in the panel, which passes axe", async () => {
    await bell().click();
    await panel().waitFor();
    expect(await bell().getAttribute("aria-expanded")).toBe("true");
    await page.getByRole("dialog", { name: "Notifications" }).waitFor();
    const items = panel().getByTestId("notification");
    // Newest first: the queue retry's failure (unread), then the first one (read on the post page).
    await expect.poll(() => items.count()).toBe(2);
    const item = items.first();
    expect(await item.getAttribute("data-unread")).toBe("true");
    expect(await items.nth(1).getAttribute("data-unread")).toBeNull();
    // "Unread: " is for screen readers only; the title comes first, then the body.
    const link = item.getByRole("link", { name: /^Unread: A post to \S*127\.0\.0\.1\S* .*failed/ });
    expect(await link.count()).toBe(1);
    expect(await link.textContent()).toContain(REFUSAL);
    expect(await link.getAttribute("href")).toBe(`/posts/view/?id=${postId}`);
    await quiet();
    await screenshot(page, "notifications-panel-open", false);
    const found = await seriousViolations(page);
    expect(JSON.stringify(found, null, 1)).toBe("[]");
    // axe must not have closed it.
    expect(await panel().isVisible()).toBe(true);
  });

  it("opens the post from the notification and marks it read", async () => {
    expect(new URL(page.url()).pathname).toBe("/queue/");
    await panel().getByTestId("notification").first().getByRole("link").click();
    await page.waitForURL(`**/posts/view/?id=${postId}`, { timeout: 10_000 });
    await settle(page);
    await expect.poll(() => panel().count()).toBe(0);
    const target = page.getByTestId("target-card");
    // The retry from the queue left its answer ("publishing") in the cache; the page's poll brings "failed".
    await expect.poll(() => target.getAttribute("data-state"), { timeout: 10_000, interval: 250 }).toBe("failed");
    expect(await target.getByTestId("target-error").textContent()).toContain(REFUSAL);
    await expect.poll(() => bell().getAttribute("aria-label")).toBe("Notifications");
    expect(await page.getByTestId("notifications-badge").count()).toBe(0);
    // Read on the server too, not only in this page's cache.
    expect(await bellNameAfterReload()).toBe("Notifications");
    expect(await page.getByTestId("notifications-badge").count()).toBe(0);
    await bell().click();
    await panel().waitFor();
    const items = panel().getByTestId("notification");
    await expect.poll(() => items.count()).toBe(2);
    expect(await items.first().getAttribute("data-unread")).toBeNull();
    expect(await items.nth(1).getAttribute("data-unread")).toBeNull();
    await page.keyboard.press("Escape");
    await expect.poll(() => panel().count()).toBe(0);
  });

  it("retries the failed target from the post page: published, with the same Idempotency-Key", async () => {
    const target = page.getByTestId("target-card");
    await target.getByRole("button", { name: /^Retry / }).click();
    await expect.poll(() => target.getAttribute("data-state"), { timeout: 20_000, interval: 500 }).toBe("published");
    expect(await target.getByTestId("target-error").count()).toBe(0);
    const sent = publishes();
    expect(sent.map((r) => r.status)).toEqual([400, 400, 200]);
    const keys = sent.map((r) => r.headers["idempotency-key"]);
    expect(typeof keys[0]).toBe("string");
    expect(keys[0]).not.toBe("");
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe(keys[0]);
    expect(JSON.stringify(JSON.parse(sent[2]!.body))).toContain("Notifications test");
    // No new notification for a success.
    expect(await bellNameAfterReload()).toBe("Notifications");
    await quiet();
    // Escape put focus back on the bell; its focus ring is not what this picture is about.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await screenshot(page, "notifications-post-after-retry");
    // The post page in dark and at 375 px too (the pages suite has no post to show).
    await page.emulateMedia({ colorScheme: "dark" });
    await page.waitForTimeout(150);
    await screenshot(page, "post-page-dark");
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForTimeout(150);
    await screenshot(page, "post-page-375-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await page.waitForTimeout(150);
    await screenshot(page, "post-page-375-light");
    await page.setViewportSize({ width: 1280, height: 860 });
    // Still exactly three a moment later: nothing was sent again.
    await page.waitForTimeout(1_000);
    expect(publishes()).toHaveLength(3);
  });

  it("logged no console errors", () => {
    expect(errors).toEqual([]);
  });
});
