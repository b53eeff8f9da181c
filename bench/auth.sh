#!/usr/bin/env bash
# Measures the foundation's numbers on this machine (see issue notes):
#   cold start to ready, idle RSS, and p50/p99 latency of auth_login and auth_me
#   under wrk on loopback, on SQLite and (with a URL) on PostgreSQL.
# Usage: bench/auth.sh /path/to/release/letsgrow [postgres://…/db]
# Needs wrk (apt-get install wrk). Every request goes to 127.0.0.1 only.
set -euo pipefail
bin="$1"; db_url="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
data="$(mktemp -d)"; port=5077
env_db=()
[ -n "$db_url" ] && env_db=(env "LETSGROW__DATABASE__URL=$db_url")
start=$(date +%s%N)
"${env_db[@]}" env LETSGROW__LOG__LEVEL=warn \
  LETSGROW__RATE_LIMIT__LOGIN_PER_IP_PER_MINUTE=100000000 \
  LETSGROW__RATE_LIMIT__LOGIN_PER_EMAIL_PER_15_MINUTES=100000000 \
  "$bin" serve --port $port --data-dir "$data" > "$data/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
until curl -fs "http://127.0.0.1:$port/api/ready" > /dev/null; do sleep 0.005; done
echo "cold start to ready: $(( ($(date +%s%N) - start) / 1000000 )) ms"
sleep 2
echo "idle RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/register" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"bench-password-123"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
echo "--- auth_me (GET /api/v1/auth/me), 64 connections, 2 threads, 15 s"
wrk -t2 -c64 -d15s --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/auth/me" | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "--- auth_login (POST /api/v1/auth/login, argon2id m=19MiB t=2), 8 connections, 2 threads, 15 s"
wrk -t2 -c8 -d15s --latency -s "$here/login.lua" "http://127.0.0.1:$port/api/v1/auth/login" | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "RSS after load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
