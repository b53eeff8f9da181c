import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { artifactsDir, ensureChromium, FRONTEND_DIR, launchChromium } from "./env";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before ${url} answered`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${last})`);
}

function serverBinary(): string {
  const targetDir = process.env.CARGO_TARGET_DIR ?? "/root/.cache/letsgrow-target";
  const bin = process.env.LETSGROW_BIN ?? `${targetDir}/release/letsgrow`;
  if (!existsSync(bin)) {
    throw new Error(`letsgrow binary not found at ${bin}: build it (cargo build --release --features ui) or set LETSGROW_BIN`);
  }
  return bin;
}

/**
 * Starts `letsgrow serve` on a free port with a fresh data directory and waits for
 * /api/health. With E2E_STATIC_UI=1 the UI comes from out/ through scripts/serve-static.mjs
 * (for binaries built without the embedded UI). E2E_BASE_URL skips all of this.
 */
export default async function setup(project: TestProject) {
  ensureChromium();
  const children: ChildProcess[] = [];
  let dataDir: string | null = null;
  let baseURL = process.env.E2E_BASE_URL ?? "";

  const teardown = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => setTimeout(r, 200));
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  if (!baseURL) {
    const browser = await launchChromium();
    try {
      const bin = serverBinary();
      const port = await freePort();
      dataDir = mkdtempSync(join(tmpdir(), "letsgrow-e2e-"));
      const startedAt = performance.now();
      const server = spawn(bin, ["serve", "--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDir], {
        stdio: ["ignore", "ignore", "pipe"],
        // ALLOW_PRIVATE: the channels flow points a webhook at a receiver on 127.0.0.1.
        env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn", LETSGROW__NETWORK__ALLOW_PRIVATE: "true" },
      });
      children.push(server);
      let stderr = "";
      server.stderr?.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      const apiURL = `http://127.0.0.1:${port}`;
      try {
        await waitFor(`${apiURL}/api/health`, server, 60_000);
      } catch (error) {
        throw new Error(`${String(error)}\n--- server stderr ---\n${stderr}`);
      }
      const healthyAt = performance.now();
      baseURL = apiURL;

      if (process.env.E2E_STATIC_UI === "1") {
        const uiPort = await freePort();
        const ui = spawn(process.execPath, [resolve(FRONTEND_DIR, "scripts/serve-static.mjs")], {
          stdio: ["ignore", "ignore", "inherit"],
          env: { ...process.env, PORT: String(uiPort), LETSGROW_API_URL: apiURL },
        });
        children.push(ui);
        baseURL = `http://127.0.0.1:${uiPort}`;
        await waitFor(`${baseURL}/api/health`, ui, 15_000);
      }

      // Time from `letsgrow serve` start to the first page rendered in Chromium.
      const page = await browser.newPage();
      await page.goto(`${baseURL}/login/`);
      await page.getByRole("heading", { name: "Log in", level: 1 }).waitFor({ timeout: 30_000 });
      const renderedAt = performance.now();
      const timings = {
        server: bin,
        ui: process.env.E2E_STATIC_UI === "1" ? "scripts/serve-static.mjs (out/)" : "embedded",
        serve_start_to_health_ms: Math.round(healthyAt - startedAt),
        serve_start_to_first_page_rendered_ms: Math.round(renderedAt - startedAt),
      };
      writeFileSync(join(artifactsDir(), "timings.json"), `${JSON.stringify(timings, null, 2)}\n`);
      console.log(`[e2e] ${JSON.stringify(timings)}`);
    } catch (error) {
      await teardown();
      throw error;
    } finally {
      await browser.close();
    }
  }

  project.provide("baseURL", baseURL.replace(/\/$/, ""));
  return teardown;
}
