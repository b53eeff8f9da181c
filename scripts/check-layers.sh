#!/usr/bin/env bash
# Fails when an HTTP handler reaches the database itself instead of going
# through a service of letsgrow-app (ARCHITECTURE.md: "Handlers are thin").
# Under crates/letsgrow-server/src/http, `letsgrow_db::` may name types
# (rows, filters, the Backend enum) but never call a function, and no
# repository module may be imported to call through it.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=crates/letsgrow-server/src/http
bad=0
# 1. A call through a path: letsgrow_db::posts::list(…) or letsgrow_db::posts::list::<T>(…).
if grep -nE 'letsgrow_db::([a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*\s*(::<[^>]*>)?\s*\(' -r "$dir"; then
  bad=1
fi
# 2. A repository module (a lower-case path) imported, to call its functions by a short name.
#    Type imports (CamelCase) are fine; so are the stored-state constants in posts::state.
if grep -nE '^\s*(pub\s+)?use\s+letsgrow_db::' -r "$dir" \
  | grep -vE 'letsgrow_db::([a-z_]+::)*(\{[A-Z][A-Za-z0-9_, ]*\}|[A-Z][A-Za-z0-9_]*);' \
  | grep -vE 'letsgrow_db::posts::\{?(TargetFilter, )?state as st\}?;' ; then
  bad=1
fi
if [ "$bad" -ne 0 ]; then
  echo "check-layers: the lines above call the database from an HTTP handler; call a letsgrow-app service instead" >&2
  exit 1
fi
echo "check-layers: handlers under $dir call no letsgrow_db function"
