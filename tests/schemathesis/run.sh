#!/usr/bin/env bash
# Runs schemathesis (pinned in requirements.txt) against a running release server.
# Usage: tests/schemathesis/run.sh /path/to/letsgrow
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$1"
venv="${LETSGROW_VENV:-$HOME/.cache/letsgrow-venv}"
req_hash="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/st" ] || [ "$(cat "$venv/.req-hash" 2>/dev/null)" != "$req_hash" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  echo "$req_hash" > "$venv/.req-hash"
fi

data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# Budgets high enough that re-authentication never hits the log-in limit; the
# limits themselves are covered by the HTTP tests.
LETSGROW__RATE_LIMIT__LOGIN_PER_EMAIL_PER_15_MINUTES=100000 LETSGROW__RATE_LIMIT__LOGIN_PER_IP_PER_MINUTE=100000 LETSGROW__RATE_LIMIT__REGISTER_PER_IP_PER_HOUR=100000 \
"$bin" serve --host 127.0.0.1 --port "$port" --data-dir "$data" > "$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/api/health" > /dev/null 2>&1 && break
  sleep 0.1
done

export LOGIN_EMAIL="schemathesis@example.com" LOGIN_PASSWORD="schemathesis-password-1"
curl -fsS -X POST "http://127.0.0.1:$port/api/v1/auth/register" -H 'content-type: application/json' \
  -d "{\"email\":\"$LOGIN_EMAIL\",\"password\":\"$LOGIN_PASSWORD\"}" > /dev/null

# The stateful phase is left out: its only links today create channels, which
# ask platforms that this offline machine cannot reach (a documented 502).
cd "$data"  # schemathesis writes .hypothesis/ and reports into the working directory
status=0
"$venv/bin/st" --config-file "$here/schemathesis.toml" run "http://127.0.0.1:$port/api/openapi.json" \
  --checks all --phases examples,coverage,fuzzing --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-60}" --seed "${SCHEMATHESIS_SEED:-20261127}" \
  --generation-database none --no-color || status=$?
if grep -q ' ERROR ' "$data/server.log"; then
  echo "schemathesis: the server logged errors:" >&2
  grep ' ERROR ' "$data/server.log" >&2
  status=1
fi
exit $status
