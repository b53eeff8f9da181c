#!/usr/bin/env bash
# Install Prism (npm @stoplight/prism-cli, pinned in package.json and the
# committed package-lock.json) into peers/x/node_modules for the contract
# tests of the X and Mastodon providers. Needs only node + npm (Node 20).
# Idempotent: does nothing when node_modules matches the lockfile.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
stamp="node_modules/.lock-hash"
want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x node_modules/.bin/prism ]]; then
  echo "[x-peer install] up to date" >&2
  exit 0
fi
start=$(date +%s)
npm ci --no-audit --no-fund --loglevel=error
node_modules/.bin/prism --version >/dev/null
echo "$want" >"$stamp"
echo "[x-peer install] Prism $(node_modules/.bin/prism --version) in $(($(date +%s) - start)) s" >&2
