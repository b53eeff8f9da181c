#!/usr/bin/env bash
# Installs what is missing and runs every test: formatting and lints, web UI unit
# tests, Rust unit and HTTP tests on SQLite and PostgreSQL, Redis, provider
# behaviour tests against a real Bluesky PDS and local webhook receivers, the
# schemathesis contract run, and browser end-to-end tests in Chromium.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
LOG_DIR="$(mktemp -d)"
passed=0

step "services: PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379)"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /tmp || true
fi
for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
pg_isready -h 127.0.0.1 -p 5432
(exec 3<>/dev/tcp/127.0.0.1/6379) || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }

step "Rust: formatting, layering and clippy"
need_cargo
cargo fmt --all --check
scripts/check-layers.sh
cargo clippy --locked --workspace --all-targets -- -D warnings

build_ui
step "Rust: clippy with the UI embedded"
cargo clippy --locked -p letsgrow-server --features ui --all-targets -- -D warnings

step "web UI: generated API client is current, types, unit tests"
(cd frontend && npm run lint && npm test 2>&1 | tee "$LOG_DIR/vitest.log")
n=$(grep -aEo '^[0-9]+ passed, [0-9]+ failed' "$LOG_DIR/vitest.log" | tail -1 | cut -d' ' -f1 || true)
passed=$((passed + ${n:-0}))

step "peers: a real Bluesky PDS for the provider behaviour suite"
peers/bluesky/install.sh
peers/x/install.sh
peers/mastodon/install.sh

step "Rust: unit and HTTP tests (SQLite, PostgreSQL, Redis), release profile"
cargo nextest run --locked --release --workspace --features letsgrow/ui --no-fail-fast 2>&1 | tee "$LOG_DIR/nextest.log"
n=$(grep -Eo '[0-9]+ tests? run: [0-9]+ passed' "$LOG_DIR/nextest.log" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+' | tail -1 || echo 0)
passed=$((passed + ${n:-0}))

build_release

step "API contract: schemathesis against the release server"
tests/schemathesis/run.sh "$BIN"
passed=$((passed + 1))

step "browser: end-to-end in Chromium against the release server"
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
# The dev-only platform fakes (OAuth consent pages) for the connect flows.
cargo build --locked --release -p letsgrow-fakes
(cd frontend && LETSGROW_BIN="$BIN" LETSGROW_FAKES_BIN="$CARGO_TARGET_DIR/release/letsgrow-fakes" npm run e2e 2>&1 | tee "$LOG_DIR/e2e.log")
n=$(grep -aEo '^[0-9]+ passed, [0-9]+ failed' "$LOG_DIR/e2e.log" | tail -1 | cut -d' ' -f1 || true)
passed=$((passed + ${n:-0}))

rm -rf "$LOG_DIR"
echo
echo "$passed passed, 0 failed"
