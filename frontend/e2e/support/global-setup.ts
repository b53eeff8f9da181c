import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { artifactsDir, ensureChromium, launchChromium } from "./env";
import { startServer } from "./server";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
  }
}

/**
 * Starts `letsgrow serve` on a free port with a fresh data directory and waits for
 * /api/health. With E2E_STATIC_UI=1 the UI comes from out/ through scripts/serve-static.mjs
 * (for binaries built without the embedded UI). E2E_BASE_URL skips all of this.
 */
export default async function setup(project: TestProject) {
  ensureChromium();
  let stop = async () => {};
  let baseURL = process.env.E2E_BASE_URL ?? "";

  if (!baseURL) {
    const browser = await launchChromium();
    try {
      const server = await startServer();
      stop = server.stop;
      baseURL = server.baseURL;

      // Time from `letsgrow serve` start to the first page rendered in Chromium.
      const page = await browser.newPage();
      await page.goto(`${baseURL}/login/`);
      await page.getByRole("heading", { name: "Log in", level: 1 }).waitFor({ timeout: 30_000 });
      const renderedAt = performance.now();
      const timings = {
        server: server.bin,
        ui: process.env.E2E_STATIC_UI === "1" ? "scripts/serve-static.mjs (out/)" : "embedded",
        serve_start_to_health_ms: Math.round(server.healthyAt - server.startedAt),
        serve_start_to_first_page_rendered_ms: Math.round(renderedAt - server.startedAt),
      };
      writeFileSync(join(artifactsDir(), "timings.json"), `${JSON.stringify(timings, null, 2)}\n`);
      console.log(`[e2e] ${JSON.stringify(timings)}`);
    } catch (error) {
      await stop();
      throw error;
    } finally {
      await browser.close();
    }
  }

  project.provide("baseURL", baseURL.replace(/\/$/, ""));
  return stop;
}
