import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type LaunchOptions } from "playwright-core";

export const FRONTEND_DIR = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const ARTIFACTS_DIR = resolve(FRONTEND_DIR, "e2e-artifacts");
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Debian's Chromium, never a Playwright-downloaded build. Playwright gives every
 * launch() a fresh temporary profile (the --user-data-dir), so it is not passed here.
 */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Installs Debian's chromium package when it is missing (CI runs as root). */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  console.log(`[e2e] ${CHROMIUM_PATH} is missing: installing Debian's chromium package`);
  execFileSync("bash", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"], {
    stdio: "inherit",
  });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`chromium is still missing at ${CHROMIUM_PATH}`);
}

export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, ...options });
}

export function artifactsDir(): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return ARTIFACTS_DIR;
}
