#!/usr/bin/env bash
# Regenerates frontend/openapi.json from the server and the typed client from it.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
cargo run --quiet --locked -p letsgrow -- openapi > frontend/openapi.json
npm_install "$ROOT/frontend"
(cd frontend && npm run gen:api)
