import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { createInterface } from "node:readline";
import { freePort, TARGET_DIR } from "./server";

/** The dev-only platform fakes (crates/letsgrow-fakes): `cargo build --release -p letsgrow-fakes`. */
export const FAKES_BIN = process.env.LETSGROW_FAKES_BIN ?? `${TARGET_DIR}/release/letsgrow-fakes`;

/** What the fakes print on start: base URLs (each fake serves every host of its platform) and app credentials. */
export interface Fakes {
  client_id: string;
  client_secret: string;
  linkedin: string;
  reddit: string;
  instagram: string;
  threads: string;
  x: string;
  /** X's fake has its own app credentials. */
  x_client_id: string;
  x_client_secret: string;
}

/** Starts the fakes and reads the one JSON line they print (base URLs, client credentials). */
export function startFakes(): Promise<{ child: ChildProcess; fakes: Fakes }> {
  const child = spawn(FAKES_BIN, [], { stdio: ["ignore", "pipe", "inherit"] });
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

/** The server's environment for every OAuth platform the fakes serve. */
export function fakesEnv(fakes: Fakes): Record<string, string> {
  const env: Record<string, string> = { LETSGROW__NETWORK__ALLOW_PRIVATE: "true" };
  for (const platform of ["linkedin", "reddit", "instagram", "threads", "x"] as const) {
    const prefix = `LETSGROW__PLATFORMS__${platform.toUpperCase()}__`;
    env[`${prefix}CLIENT_ID`] = platform === "x" ? fakes.x_client_id : fakes.client_id;
    env[`${prefix}CLIENT_SECRET`] = platform === "x" ? fakes.x_client_secret : fakes.client_secret;
    env[`${prefix}API_BASE`] = fakes[platform];
    env[`${prefix}AUTH_BASE`] = fakes[platform];
  }
  return env;
}

/** mastodon-mock (PyPI), installed by peers/mastodon/install.sh into a virtualenv outside the repository. */
export const MASTODON_MOCK_BIN = `${process.env.LETSGROW_MASTODON_VENV ?? `${homedir()}/.cache/letsgrow-venv-mastodon`}/bin/mastodon_mock`;

/**
 * `mastodon_mock serve --in-memory` on a free port, waiting for Uvicorn to say it is
 * listening. Fails (never skips) when the mock isn't installed.
 */
export async function startMastodonMock(): Promise<{ child: ChildProcess; url: string }> {
  if (!existsSync(MASTODON_MOCK_BIN)) {
    throw new Error(
      `mastodon-mock is missing at ${MASTODON_MOCK_BIN}: run peers/mastodon/install.sh ` +
        "(scripts/test.sh does before the e2e step) or set LETSGROW_MASTODON_VENV",
    );
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(MASTODON_MOCK_BIN, ["serve", "--in-memory", "--host", "127.0.0.1", "--port", String(port)], {
    cwd: tmpdir(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Keep both pipes drained; the last lines explain a failed start.
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mastodon-mock did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      if (output.includes("Uvicorn running on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`mastodon-mock exited with code ${code} before it was ready:\n${output}`));
    });
  });
  try {
    await ready;
  } catch (error) {
    if (child.exitCode === null) child.kill("SIGKILL");
    throw error;
  }
  return { child, url };
}

/** A local account on mastodon-mock (its dev-only endpoint), for its account picker to list. */
export async function createMastodonAccount(mockURL: string, username: string): Promise<{ id: string; username: string }> {
  const response = await fetch(`${mockURL}/api/v1/_mock/dev_user`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username }),
  });
  if (!response.ok) throw new Error(`mastodon-mock dev_user answered HTTP ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: string; username: string };
}
