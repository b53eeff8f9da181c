# Shared by scripts/run.sh and scripts/test.sh: paths and one-time installs.
# shellcheck shell=bash
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Build output lives outside the checkout so that fresh clones (CI) reuse it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/letsgrow-target}"
export NEXT_TELEMETRY_DISABLED=1
export SQLX_OFFLINE=true
BIN="$CARGO_TARGET_DIR/release/letsgrow"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

need_cargo() {
  if ! command -v cargo > /dev/null; then
    echo "cargo is missing: install Rust 1.95+ (https://rustup.rs)" >&2
    exit 1
  fi
}

# npm ci only when the lockfile changed since the last install.
npm_install() {
  local dir="$1"
  local stamp="$dir/node_modules/.letsgrow-lock-hash"
  local hash
  hash="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund)
    echo "$hash" > "$stamp"
  fi
}

build_ui() {
  step "web UI: install and static export"
  npm_install "$ROOT/frontend"
  (cd "$ROOT/frontend" && npm run build)
  if [ ! -f "$ROOT/frontend/out/index.html" ]; then
    echo "frontend/out/index.html is missing after the build" >&2
    exit 1
  fi
}

build_release() {
  step "release binary with the UI embedded"
  need_cargo
  (cd "$ROOT" && cargo build --release --locked -p letsgrow --features ui)
}
