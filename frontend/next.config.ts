import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants";

/**
 * Production builds are a static export (`out/`) that the `letsgrow` binary embeds and
 * serves on the same origin as the API. Rewrites do not work with `output: "export"`,
 * so the `/api` proxy exists only under `next dev` (see README.md).
 */
const base: NextConfig = {
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
  poweredByHeader: false,
};

export default function config(phase: string): NextConfig {
  if (phase === PHASE_DEVELOPMENT_SERVER) {
    const target = process.env.LETSGROW_API_URL ?? "http://127.0.0.1:8000";
    return {
      ...base,
      // Otherwise trailingSlash turns /api/health into a redirect to /api/health/.
      skipTrailingSlashRedirect: true,
      // The documented address is http://127.0.0.1:5000; Next only trusts localhost by default.
      allowedDevOrigins: ["127.0.0.1", "localhost"],
      async rewrites() {
        return [
          { source: "/api/:path*", destination: `${target}/api/:path*` },
        ];
      },
    };
  }
  return { ...base, output: "export" };
}
