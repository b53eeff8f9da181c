#!/usr/bin/env node
// Serves the static export in out/ the way the letsgrow binary does, and proxies /api
// and /metrics to a running API server. For previewing a build and for running the
// e2e suite before the UI is embedded in the binary.
//
//   PORT=5000 LETSGROW_API_URL=http://127.0.0.1:8000 node scripts/serve-static.mjs
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)), process.env.OUT_DIR ?? "out");
const port = Number(process.env.PORT ?? 5000);
const host = process.env.HOST ?? "127.0.0.1";
const api = new URL(process.env.LETSGROW_API_URL ?? "http://127.0.0.1:8000");

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function resolveFile(pathname) {
  const safe = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, "");
  const base = join(root, safe);
  if (!base.startsWith(root)) return null;
  for (const candidate of [base, join(base, "index.html"), `${base}.html`]) {
    if (isFile(candidate)) return candidate;
  }
  return null;
}

function proxy(req, res) {
  const upstream = httpRequest(
    { hostname: api.hostname, port: api.port, path: req.url, method: req.method, headers: { ...req.headers, host: api.host } },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on("error", () => {
    res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "bad_gateway", message: "The API server is not reachable." } }));
  });
  req.pipe(upstream);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname.startsWith("/api/") || url.pathname === "/api" || url.pathname === "/metrics") return proxy(req, res);
  let file = resolveFile(url.pathname);
  let status = 200;
  if (!file) {
    file = join(root, "404.html");
    status = 404;
  }
  if (!existsSync(file)) {
    res.writeHead(404).end("Not found");
    return;
  }
  const immutable = url.pathname.startsWith("/_next/static/");
  res.writeHead(status, {
    "content-type": types[extname(file)] ?? "application/octet-stream",
    "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
  });
  if (req.method === "HEAD") return res.end();
  createReadStream(file).pipe(res);
});

server.listen(port, host, () => {
  console.log(`serving ${root} on http://${host}:${port} (api → ${api.origin})`);
});
