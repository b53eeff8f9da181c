import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FRONTEND_DIR } from "./env";

export const TARGET_DIR = process.env.CARGO_TARGET_DIR ?? "/root/.cache/letsgrow-target";

export function freePort(): Promise<number> {
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

export async function waitFor(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
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

export function serverBinary(): string {
  const bin = process.env.LETSGROW_BIN ?? `${TARGET_DIR}/release/letsgrow`;
  if (!existsSync(bin)) {
    throw new Error(`letsgrow binary not found at ${bin}: build it (cargo build --release --features ui) or set LETSGROW_BIN`);
  }
  return bin;
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 200));
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

export interface RunningServer {
  bin: string;
  /** What the browser opens: the binary, or scripts/serve-static.mjs in front of it (E2E_STATIC_UI=1). */
  baseURL: string;
  apiURL: string;
  startedAt: number;
  healthyAt: number;
  stop: () => Promise<void>;
}

/**
 * `letsgrow serve` on a free port with a fresh data directory, waiting for /api/health;
 * with E2E_STATIC_UI=1 also the UI from out/ in front of it. `env` is added to the
 * server's environment; LETSGROW__SERVER__PUBLIC_URL is set to the browser-facing URL
 * (OAuth redirect URIs are built from it).
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const bin = serverBinary();
  const children: ChildProcess[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), "letsgrow-e2e-"));
  const stop = async () => {
    for (const child of children.reverse()) await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const apiURL = `http://127.0.0.1:${port}`;
    const staticUI = process.env.E2E_STATIC_UI === "1";
    const uiPort = staticUI ? await freePort() : port;
    const baseURL = `http://127.0.0.1:${uiPort}`;
    const startedAt = performance.now();
    const server = spawn(bin, ["serve", "--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDir], {
      stdio: ["ignore", "ignore", "pipe"],
      env: {
        ...process.env,
        RUST_LOG: process.env.RUST_LOG ?? "warn",
        // The channels flow points a webhook at a receiver on 127.0.0.1.
        LETSGROW__NETWORK__ALLOW_PRIVATE: "true",
        LETSGROW__SERVER__PUBLIC_URL: baseURL,
        ...env,
      },
    });
    children.push(server);
    let stderr = "";
    server.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    try {
      await waitFor(`${apiURL}/api/health`, server, 60_000);
    } catch (error) {
      throw new Error(`${String(error)}\n--- server stderr ---\n${stderr}`);
    }
    const healthyAt = performance.now();
    if (staticUI) {
      const ui = spawn(process.execPath, [resolve(FRONTEND_DIR, "scripts/serve-static.mjs")], {
        stdio: ["ignore", "ignore", "inherit"],
        env: { ...process.env, PORT: String(uiPort), LETSGROW_API_URL: apiURL },
      });
      children.push(ui);
      await waitFor(`${baseURL}/api/health`, ui, 15_000);
    }
    return { bin, baseURL, apiURL, startedAt, healthyAt, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
