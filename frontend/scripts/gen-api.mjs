#!/usr/bin/env node
// Generates src/api/generated/schema.d.ts from the server's OpenAPI document.
//
//   npm run gen:api            write the file
//   npm run check:api          fail (exit 1) when the committed file is stale
//
// The spec is read from $OPENAPI_JSON (default ./openapi.json). When that file does not
// exist, `letsgrow openapi` is run from $LETSGROW_BIN, or from the debug/release binary in
// $CARGO_TARGET_DIR (default /root/.cache/letsgrow-target). With none of these, `check`
// prints a notice and passes; `gen` fails.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outFile = resolve(root, "src/api/generated/schema.d.ts");
const check = process.argv.includes("--check");

function loadSpec() {
  const specPath = resolve(root, process.env.OPENAPI_JSON ?? "./openapi.json");
  if (existsSync(specPath)) {
    return { text: readFileSync(specPath, "utf8"), from: specPath };
  }
  if (process.env.OPENAPI_JSON) {
    throw new Error(`OPENAPI_JSON points at ${specPath}, which does not exist`);
  }
  const targetDir = process.env.CARGO_TARGET_DIR ?? "/root/.cache/letsgrow-target";
  const candidates = [
    process.env.LETSGROW_BIN,
    `${targetDir}/release/letsgrow`,
    `${targetDir}/debug/letsgrow`,
  ].filter((p) => p && existsSync(p));
  for (const bin of candidates) {
    try {
      const text = execFileSync(bin, ["openapi"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      JSON.parse(text);
      return { text, from: `${bin} openapi` };
    } catch {
      // Try the next candidate: an older binary may not have the subcommand yet.
    }
  }
  return null;
}

const HEADER =
  "/**\n" +
  " * GENERATED FILE: DO NOT EDIT BY HAND.\n" +
  " * Produced by `npm run gen:api` (scripts/gen-api.mjs, openapi-typescript) from the\n" +
  " * OpenAPI document of the letsgrow server (`letsgrow openapi`, or GET /api/openapi.json).\n" +
  " * `npm test` fails when this file is stale.\n" +
  " */\n";

const spec = loadSpec();
if (!spec) {
  const msg = "gen-api: no OpenAPI document found (set OPENAPI_JSON, write ./openapi.json, or build the letsgrow binary)";
  if (check) {
    console.warn(`${msg}; skipping the staleness check.`);
    process.exit(0);
  }
  console.error(msg);
  process.exit(1);
}

const ast = await openapiTS(JSON.parse(spec.text), {
  alphabetize: true,
  exportType: true,
});
const body = astToString(ast);
const output = HEADER + COMMENT_HEADER.replace(/^\/\*\*[\s\S]*?\*\/\n*/, "") + body;

if (check) {
  const current = existsSync(outFile) ? readFileSync(outFile, "utf8") : "";
  if (current !== output) {
    console.error(`gen-api: ${outFile} is stale against ${spec.from}. Run \`npm run gen:api\`.`);
    process.exit(1);
  }
  console.log(`gen-api: generated client is up to date with ${spec.from}`);
} else {
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, output);
  console.log(`gen-api: wrote ${outFile} from ${spec.from}`);
}
