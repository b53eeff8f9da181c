#!/usr/bin/env node
// First-load JS per route of the static export (Next 16 no longer prints sizes):
// the scripts each out/**/index.html loads, raw and gzipped, plus the size of out/.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const out = resolve(fileURLToPath(new URL("..", import.meta.url)), "out");

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const files = walk(out);
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const rows = [];
for (const html of files.filter((f) => f.endsWith(".html"))) {
  const text = readFileSync(html, "utf8");
  const scripts = [...new Set([...text.matchAll(/<script([^>]*)>/g)].filter((m) => !/noModule/i.test(m[1])).map((m) => /src="([^"]+\.js)"/.exec(m[1])?.[1]).filter(Boolean))];
  let raw = 0;
  let gz = 0;
  for (const src of scripts) {
    const buf = readFileSync(join(out, decodeURIComponent(src.split("?")[0])));
    raw += buf.length;
    gz += gzipSync(buf, { level: 9 }).length;
  }
  const route = "/" + relative(out, html).replace(/index\.html$/, "").replace(/\.html$/, "");
  rows.push({ route, scripts: scripts.length, raw, gz });
}
rows.sort((a, b) => a.route.localeCompare(b.route));
console.log("route".padEnd(16), "scripts".padStart(7), "first-load JS".padStart(14), "gzipped".padStart(10));
for (const r of rows) console.log(r.route.padEnd(16), String(r.scripts).padStart(7), kb(r.raw).padStart(14), kb(r.gz).padStart(10));
const total = files.reduce((sum, f) => sum + statSync(f).size, 0);
console.log(`\nout/: ${files.length} files, ${kb(total)} (${(total / 1024 / 1024).toFixed(2)} MB)`);
