import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Locator, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsDir, launchChromium } from "./support/env";
import { newContext, screenshot, seriousViolations, settle, signUp, uniqueEmail, watchErrors } from "./support/browser";
import { createMastodonAccount, FAKES_BIN, fakesEnv, startFakes, startMastodonMock, type Fakes } from "./support/peers";
import { startServer, stopChild, type RunningServer } from "./support/server";

const haveFakes = existsSync(FAKES_BIN);
if (!haveFakes) {
  console.warn(
    `[e2e] SKIPPING oauth.e2e.ts: the platform fakes binary is missing at ${FAKES_BIN}. ` +
      "Build it with `cargo build --release -p letsgrow-fakes` or set LETSGROW_FAKES_BIN.",
  );
}

/** The fakes connected after LinkedIn, with the account signed in as on each consent page. */
const FAKE_PLATFORMS = [
  // X's consent page has no username: approving creates a new user, grower<4 digits>.
  { id: "x", name: "X", username: null, handle: /^@grower\d{4}$/ },
  { id: "reddit", name: "Reddit", username: "grower_reddit", handle: "u/grower_reddit" },
  { id: "instagram", name: "Instagram", username: "grower_instagram", handle: "@grower_instagram" },
  { id: "threads", name: "Threads", username: "grower_threads", handle: "@grower_threads" },
] as const;

const MASTODON_USER = "grower_e2e";

/**
 * Connecting every OAuth platform end to end through its local peer's consent page:
 * LinkedIn, X, Reddit, Instagram and Threads against the letsgrow-fakes binary, Mastodon
 * against mastodon-mock. Each goes Channels → Connect a channel → Continue with <platform>
 * → the peer's consent page → approve → back on /channels/ with a toast, a clean URL and
 * the channel listed with status OK. The server is this file's own, configured with the
 * fakes' app credentials; Mastodon needs none (the app is registered at the instance).
 */
describe.skipIf(!haveFakes)("oauth connect (platform fakes and mastodon-mock)", () => {
  let fakesChild: ChildProcess | undefined;
  let fakes: Fakes;
  let mastodon: { child: ChildProcess; url: string } | undefined;
  let server: RunningServer | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  /** Main-frame URLs since the last connect started, to read the callback's query. */
  const visited: string[] = [];

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

  async function openConnectPanel() {
    await page.getByRole("button", { name: "Connect a channel", exact: true }).click();
    await page.getByRole("heading", { name: "Connect a channel", level: 2 }).waitFor();
    await page.getByTestId("platform-options").waitFor();
  }

  /** Clicks "Continue with <name>", which must be enabled (the server is configured for it). */
  async function continueWith(name: string) {
    const button = page.getByRole("button", { name: `Continue with ${name}` });
    const reason = page.getByTestId("platform-unavailable-reason");
    expect(await button.isEnabled(), `Continue with ${name} is disabled: ${await reason.allTextContents()}`).toBe(true);
    visited.length = 0;
    await button.click();
  }

  /**
   * On the peer's consent page: the browser is at `peerBase`, sent by this server (its
   * callback is the redirect_uri) with `clientId` when given, and shows `approve`.
   */
  async function expectConsentPage(peerBase: string, approve: string, clientId: string | null) {
    const origin = new URL(peerBase).origin;
    await page.waitForURL((url) => url.origin === origin, { timeout: 30_000 });
    const url = new URL(page.url());
    if (clientId !== null) expect(url.searchParams.get("client_id")).toBe(clientId);
    else expect(url.searchParams.get("client_id")).toBeTruthy();
    const redirect = url.searchParams.get("redirect_uri") ?? "";
    expect(redirect.startsWith(`${server!.baseURL}/`), `redirect_uri ${redirect}`).toBe(true);
    try {
      await page.getByRole("button", { name: approve, exact: true }).waitFor({ timeout: 10_000 });
    } catch {
      throw new Error(`no "${approve}" button on ${page.url()}:\n${await page.locator("body").innerText()}`);
    }
  }

  /**
   * Back on /channels/ from the callback: it came with ?connected= (not ?oauth_error=),
   * the query is gone, the card shows `handle` with status OK and the toast names it.
   */
  async function expectConnected(platform: string, name: string, handle: string | RegExp) {
    await page.waitForURL((url) => url.pathname === "/channels/" && url.search === "", { timeout: 30_000 });
    const back = visited.map((u) => new URL(u)).filter((u) => u.pathname === "/channels/" && u.search !== "").at(0);
    expect(back?.searchParams.get("oauth_error") ?? null, `the callback came back with ${back?.href}`).toBeNull();
    expect(back?.searchParams.get("connected"), `the callback came back with ${back?.href}`).toBeTruthy();
    await settle(page);
    const card = page.locator(`[data-testid="channel-card"][data-platform="${platform}"]`);
    await card.waitFor();
    expect(await card.count()).toBe(1);
    expect(await card.getByTestId("channel-health").textContent()).toBe("Status: OK");
    const shown = (await card.getByRole("heading", { level: 3 }).textContent()) ?? "";
    if (typeof handle === "string") expect(shown).toBe(handle);
    else expect(shown).toMatch(handle);
    await page.getByText(`Connected ${shown} on ${name}.`, { exact: true }).waitFor();
  }

  beforeAll(async () => {
    ({ child: fakesChild, fakes } = await startFakes());
    mastodon = await startMastodonMock();
    await createMastodonAccount(mastodon.url, MASTODON_USER);
    server = await startServer(fakesEnv(fakes));
    browser = await launchChromium();
    context = await newContext(browser, server.baseURL, { colorScheme: "light" });
    page = await context.newPage();
    errors = watchErrors(page);
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) visited.push(frame.url());
    });
    await signUp(page, uniqueEmail("oauth"));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (mastodon) await stopChild(mastodon.child);
    if (fakesChild) await stopChild(fakesChild);
  });

  it("offers every platform, all connectable on this server, at 1280 and 375 px", async () => {
    await page.goto("/channels/");
    await settle(page);
    await page.getByRole("button", { name: "Connect your first channel" }).click();
    await page.getByRole("heading", { name: "Connect a channel", level: 2 }).waitFor();
    await page.getByTestId("platform-options").waitFor();
    // Every OAuth platform is configured (Mastodon, Bluesky and webhooks need nothing).
    const offered = await page.getByTestId("platform-options").locator("label[data-platform]").evaluateAll((els) =>
      Object.fromEntries(els.map((el) => [el.getAttribute("data-platform"), el.getAttribute("data-available")])),
    );
    expect(offered).toEqual({
      bluesky: "true",
      mastodon: "true",
      x: "true",
      linkedin: "true",
      reddit: "true",
      instagram: "true",
      threads: "true",
      webhook: "true",
    });
    expect(await page.getByText("Not available", { exact: true }).count()).toBe(0);
    await choose("LinkedIn");
    expect(await page.getByRole("button", { name: "Continue with LinkedIn" }).isEnabled()).toBe(true);
    await page.getByText("You'll approve LetsGrow on LinkedIn and come back here.", { exact: false }).waitFor();
    await shoot("oauth-connect-linkedin-light");
    await expectAxeClean("connect-linkedin-light");

    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForTimeout(150);
    await shoot("oauth-connect-linkedin-375-light");
    await expectAxeClean("connect-linkedin-375-light");
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it("connects LinkedIn through the fake's consent page and comes back to Channels", async () => {
    await continueWith("LinkedIn");
    await expectConsentPage(fakes.linkedin, "Authorize LetsGrow", fakes.client_id);
    await shoot("oauth-consent-linkedin");
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
    await openConnectPanel();
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

  for (const platform of FAKE_PLATFORMS) {
    it(`connects ${platform.name} through the fake's consent page`, async () => {
      await openConnectPanel();
      await choose(platform.name);
      await continueWith(platform.name);
      const clientId = platform.id === "x" ? fakes.x_client_id : fakes.client_id;
      await expectConsentPage(fakes[platform.id], "Authorize LetsGrow", clientId);
      if (platform.username) await page.getByLabel("Sign in as").fill(platform.username);
      await shoot(`oauth-consent-${platform.id}`);
      await page.getByRole("button", { name: "Authorize LetsGrow" }).click();
      await expectConnected(platform.id, platform.name, platform.handle);
    });
  }

  it("connects Mastodon through mastodon-mock's account picker", async () => {
    await openConnectPanel();
    await choose("Mastodon");
    await page.getByLabel("Mastodon server").fill(mastodon!.url);
    visited.length = 0;
    await page.getByRole("button", { name: "Continue", exact: true }).click();
    // The app was registered at the instance, so its client_id is the instance's to choose.
    await expectConsentPage(mastodon!.url, `${MASTODON_USER} (@${MASTODON_USER})`, null);
    expect(new URL(page.url()).pathname).toBe("/oauth/authorize");
    await shoot("oauth-consent-mastodon");
    await page.getByRole("button", { name: `${MASTODON_USER} (@${MASTODON_USER})`, exact: true }).click();
    await expectConnected("mastodon", "Mastodon", `@${MASTODON_USER}@127.0.0.1`);
  });

  it("lists all six OAuth channels with status OK", async () => {
    await page.reload();
    await settle(page);
    const cards = page.locator('[data-testid="channel-card"]');
    await cards.nth(5).waitFor();
    const listed = await cards.evaluateAll((els) =>
      els.map((el) => [el.getAttribute("data-platform"), el.querySelector('[data-testid="channel-health"]')?.textContent]),
    );
    expect(listed.sort()).toEqual(
      ["instagram", "linkedin", "mastodon", "reddit", "threads", "x"].map((p) => [p, "Status: OK"]),
    );
    await shoot("oauth-connected-all");
    await expectAxeClean("connected-all");

    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForTimeout(150);
    await shoot("oauth-connected-all-375");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 860 });
    expect(errors).toEqual([]);
  });
  it("saves Mastodon and Reddit publishing settings from the channel cards", async () => {
    const mastodonHandle = `@${MASTODON_USER}@127.0.0.1`;
    const redditHandle = "u/grower_reddit";
    const cardOf = (platform: string) => page.locator(`[data-testid="channel-card"][data-platform="${platform}"]`);
    const summaryOf = (platform: string) => cardOf(platform).getByTestId("channel-settings-summary");
    const savedToast = page.getByText("Settings saved", { exact: true });
    /**
     * Every channels_update sent from here on, with its JSON body. Routed, because the
     * app fetches with a Request object whose body the "request" event doesn't carry.
     */
    const patches: { url: string; body: unknown }[] = [];
    const onPatch = async (route: Route) => {
      const request = route.request();
      if (request.method() === "PATCH") patches.push({ url: request.url(), body: request.postDataJSON() as unknown });
      await route.continue();
    };
    await page.route("**/api/v1/channels/*", onPatch);

    /** The text under a labelled field while it is marked invalid, else null. */
    async function errorUnder(form: Locator, label: string): Promise<string | null> {
      const field = form.getByLabel(label, { exact: true });
      if ((await field.getAttribute("aria-invalid")) !== "true") return null;
      const id = (await field.getAttribute("aria-describedby")) ?? "";
      return id ? page.locator(`[id="${id}"]`).textContent() : null;
    }

    /** Opens a card's Settings: the toggle is expanded and its form shown. */
    async function openSettings(platform: string, handle: string, testId: string): Promise<Locator> {
      const toggle = cardOf(platform).getByRole("button", { name: `Publishing settings for ${handle}`, exact: true });
      await toggle.click();
      const form = cardOf(platform).getByTestId(testId);
      await form.waitFor();
      expect(await toggle.getAttribute("aria-expanded")).toBe("true");
      return form;
    }

    /** Save settings → the PATCH's answer (200) → the "Settings saved" toast; returns the answer's channel. */
    async function save(form: Locator, channelId: string): Promise<{ id: string; settings: Record<string, unknown> }> {
      // An earlier toast must be gone, or it would pass for this save's.
      await savedToast.first().waitFor({ state: "detached", timeout: 15_000 });
      const answer = page.waitForResponse(
        (r) => r.request().method() === "PATCH" && new URL(r.url()).pathname === `/api/v1/channels/${channelId}`,
      );
      await form.getByRole("button", { name: "Save settings", exact: true }).click();
      const response = await answer;
      expect(response.status()).toBe(200);
      await savedToast.waitFor();
      return (await response.json()) as { id: string; settings: Record<string, unknown> };
    }

    /** Reloads /channels/ and returns the channel list the page fetched (channels_list). */
    async function reloadChannels(): Promise<{ id: string; platform: string; settings: Record<string, unknown> }[]> {
      const listed = page.waitForResponse(
        (r) => r.request().method() === "GET" && new URL(r.url()).pathname === "/api/v1/channels" && r.status() === 200,
      );
      await page.reload();
      const response = await listed;
      await settle(page);
      await cardOf("mastodon").waitFor();
      return (await response.json()) as { id: string; platform: string; settings: Record<string, unknown> }[];
    }

    let channels = await reloadChannels();
    const mastodonId = channels.find((c) => c.platform === "mastodon")?.id ?? "";
    const redditId = channels.find((c) => c.platform === "reddit")?.id ?? "";
    expect(mastodonId).not.toBe("");
    expect(redditId).not.toBe("");
    // The defaults before anything is set.
    expect(await summaryOf("mastodon").textContent()).toBe("Public");
    expect(await summaryOf("reddit").textContent()).toBe("Posts to your profile");

    // 1. Mastodon: followers only, a content warning and a language ("DE" is stored as "de").
    const mastodonForm = await openSettings("mastodon", mastodonHandle, "mastodon-settings");
    expect(await mastodonForm.getByLabel("Visibility", { exact: true }).evaluate((el) => el === document.activeElement)).toBe(true);
    await mastodonForm.getByLabel("Visibility", { exact: true }).selectOption({ label: "Followers only" });
    await mastodonForm.getByLabel("Content warning", { exact: true }).fill("Spoilers ahead");
    await mastodonForm.getByLabel("Language", { exact: true }).fill("DE");
    const savedMastodon = await save(mastodonForm, mastodonId);
    expect(patches.at(-1)?.body).toEqual({ settings: { visibility: "private", spoiler_text: "Spoilers ahead", language: "DE" } });
    expect(savedMastodon.settings).toMatchObject({ visibility: "private", spoiler_text: "Spoilers ahead", language: "de" });
    const mastodonSummary = "Followers only · Content warning: “Spoilers ahead” · Language: de";
    await page.waitForFunction(
      ([selector, want]) => document.querySelector(selector)?.textContent === want,
      ['[data-testid="channel-card"][data-platform="mastodon"] [data-testid="channel-settings-summary"]', mastodonSummary] as const,
    );
    // The form now holds what the server stored.
    expect(await mastodonForm.getByLabel("Language", { exact: true }).inputValue()).toBe("de");
    expect(await mastodonForm.getByRole("button", { name: "Save settings", exact: true }).isDisabled()).toBe(true);

    await expectAxeClean("channel-settings-mastodon");
    await shoot("oauth-settings-mastodon");
    await cardOf("mastodon").screenshot({ path: join(artifactsDir(), "oauth-settings-mastodon-card.png") });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForTimeout(150);
    await shoot("oauth-settings-mastodon-375");
    await cardOf("mastodon").screenshot({ path: join(artifactsDir(), "oauth-settings-mastodon-card-375.png") });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 860 });

    // Stored: the server lists it so after a reload, and the card says so again.
    channels = await reloadChannels();
    expect(channels.find((c) => c.id === mastodonId)?.settings).toMatchObject({
      visibility: "private",
      spoiler_text: "Spoilers ahead",
      language: "de",
    });
    expect(await summaryOf("mastodon").textContent()).toBe(mastodonSummary);
    const reopened = await openSettings("mastodon", mastodonHandle, "mastodon-settings");
    expect(await reopened.getByLabel("Visibility", { exact: true }).inputValue()).toBe("private");
    expect(await reopened.getByLabel("Content warning", { exact: true }).inputValue()).toBe("Spoilers ahead");
    expect(await reopened.getByLabel("Language", { exact: true }).inputValue()).toBe("de");
    await reopened.getByRole("button", { name: "Close", exact: true }).click();
    await reopened.waitFor({ state: "detached" });

    // 2. Reddit: an invalid community is refused on its field and nothing is sent.
    const redditForm = await openSettings("reddit", redditHandle, "reddit-settings");
    const community = redditForm.getByLabel("Community", { exact: true });
    expect(await community.inputValue()).toBe("");
    expect(await redditForm.textContent()).toContain("Leave it empty to post to your profile (u/grower_reddit).");
    const sentBefore = patches.length;
    await community.fill("no spaces");
    await redditForm.getByRole("button", { name: "Save settings", exact: true }).click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="reddit-settings"] [aria-invalid="true"]') !== null,
    );
    expect(await errorUnder(redditForm, "Community")).toBe(
      "Use the community's name, like rust or r/rust (3–21 letters, digits or underscores).",
    );
    expect(await errorUnder(redditForm, "Flair id")).toBeNull();
    expect(await community.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.waitForTimeout(500);
    expect(patches.length).toBe(sentBefore);
    expect(await savedToast.count()).toBe(0);
    expect(await summaryOf("reddit").textContent()).toBe("Posts to your profile");
    await shoot("oauth-settings-reddit-error");
    await cardOf("reddit").screenshot({ path: join(artifactsDir(), "oauth-settings-reddit-error-card.png") });

    // A valid one is saved (the server stores the name without "r/").
    await community.fill("r/letsgrow");
    const savedReddit = await save(redditForm, redditId);
    expect(patches.at(-1)?.body).toEqual({ settings: { subreddit: "r/letsgrow" } });
    expect(savedReddit.settings.subreddit).toBe("letsgrow");
    expect(await errorUnder(redditForm, "Community")).toBeNull();
    expect(await community.inputValue()).toBe("letsgrow");
    expect(await summaryOf("reddit").textContent()).toBe("Posts to r/letsgrow");

    // Cleared, it posts to the profile again.
    await community.fill("");
    const cleared = await save(redditForm, redditId);
    expect(patches.at(-1)?.body).toEqual({ settings: { subreddit: "" } });
    // "" removes the key: the default target is the profile.
    expect(cleared.settings).not.toHaveProperty("subreddit");
    expect(await summaryOf("reddit").textContent()).toBe("Posts to your profile");
    channels = await reloadChannels();
    expect(channels.find((c) => c.id === redditId)?.settings).not.toHaveProperty("subreddit");
    expect(await summaryOf("reddit").textContent()).toBe("Posts to your profile");
    expect(await summaryOf("mastodon").textContent()).toBe(mastodonSummary);

    await page.unroute("**/api/v1/channels/*", onPatch);
    expect(errors).toEqual([]);
  });
});
