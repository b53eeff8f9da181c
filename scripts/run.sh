#!/usr/bin/env bash
# Installs what is missing, builds LetsGrow and runs it on the embedded default
# (SQLite in ./data, scheduler and workers in-process) at http://127.0.0.1:5000.
# Extra arguments go to `letsgrow serve` (e.g. --port 8080).
source "$(dirname "$0")/lib.sh"
build_ui
build_release
step "starting: open http://127.0.0.1:5000"
cd "$ROOT"
exec "$BIN" serve "$@"
