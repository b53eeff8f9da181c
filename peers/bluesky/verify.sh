#!/usr/bin/env bash
# End-to-end smoke check of the peer with curl + jq: starts ./run.sh (rate
# limits on, 3 s access tokens), exercises the XRPC calls LetsGrow relies on
# and prints "N passed, N failed". Needs ./install.sh to have run.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
pass=0
fail=0

# The peer exits when its stdin closes: keep a pipe open for it.
mkfifo "$work/stdin"
PDS_RATE_LIMITS=1 PDS_ACCESS_TOKEN_TTL=3s "$here/run.sh" <"$work/stdin" >"$work/ready" 2>"$work/stderr" &
peer=$!
exec 9>"$work/stdin"
cleanup() {
  exec 9>&-                      # EOF on the peer's stdin -> it exits
  wait "$peer" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

t0=$(date +%s%N)
for _ in $(seq 300); do
  [[ -s "$work/ready" ]] && break
  kill -0 "$peer" 2>/dev/null || break
  sleep 0.1
done
if ! [[ -s "$work/ready" ]]; then
  echo "peer did not start:" >&2
  cat "$work/stderr" >&2
  exit 1
fi
echo "ready line after $((($(date +%s%N) - t0) / 1000000)) ms: $(cat "$work/ready")"
P=$(jq -r .pds_url "$work/ready")

# req METHOD NSID [curl args...] -> sets $code and $body
req() {
  local method=$1 nsid=$2
  shift 2
  body=$(curl -s -o - -w '\n%{http_code}' -X "$method" "$P/xrpc/$nsid" "$@")
  code=${body##*$'\n'}
  body=${body%$'\n'*}
}
json() { printf '%s' "$body" | jq -r "$1"; }
# check LABEL WANT_STATUS [WANT_ERROR]
check() {
  local label=$1 want=$2 err=${3:-}
  local got_err
  got_err=$(printf '%s' "$body" | jq -r '.error // empty' 2>/dev/null)
  if [[ "$code" == "$want" && "$got_err" == "$err" ]]; then
    pass=$((pass + 1))
    printf 'ok   %-52s %s %s\n' "$label" "$code" "$err"
  else
    fail=$((fail + 1))
    printf 'FAIL %-52s got %s %s (want %s %s) %s\n' "$label" "$code" "$got_err" "$want" "$err" "$body"
  fi
}
J=(-H 'content-type: application/json')
now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
post() { printf '{"$type":"app.bsky.feed.post","text":"%s","createdAt":"%s"}' "$1" "$now"; }

req POST com.atproto.server.createAccount "${J[@]}" \
  -d '{"handle":"alice.test","email":"alice@example.com","password":"alice-pass-123"}'
check "createAccount alice.test" 200
did=$(json .did)
req POST com.atproto.server.createAccount "${J[@]}" \
  -d '{"handle":"alice.test","email":"alice2@example.com","password":"alice-pass-123"}'
check "createAccount duplicate handle" 400 InvalidRequest

req POST com.atproto.server.createSession "${J[@]}" \
  -d '{"identifier":"alice.test","password":"alice-pass-123"}'
check "createSession (account password)" 200
access=$(json .accessJwt)
req POST com.atproto.server.createSession "${J[@]}" \
  -d '{"identifier":"alice.test","password":"wrong"}'
check "createSession wrong password" 401 AuthenticationRequired

req POST com.atproto.server.createAppPassword "${J[@]}" -H "authorization: Bearer $access" \
  -d '{"name":"letsgrow"}'
check "createAppPassword" 200
app_pw=$(json .password)
req POST com.atproto.server.createSession "${J[@]}" \
  -d "{\"identifier\":\"alice.test\",\"password\":\"$app_pw\"}"
check "createSession (app password)" 200
access=$(json .accessJwt)
refresh=$(json .refreshJwt)

rkey=3lgrowtest222
req POST com.atproto.repo.createRecord "${J[@]}" -H "authorization: Bearer $access" \
  -d "{\"repo\":\"$did\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"$rkey\",\"record\":$(post hello)}"
check "createRecord post, explicit TID rkey" 200
req POST com.atproto.repo.createRecord "${J[@]}" -H "authorization: Bearer $access" \
  -d "{\"repo\":\"$did\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"$rkey\",\"record\":$(post hello)}"
check "createRecord same rkey again" 500 InternalServerError
req POST com.atproto.repo.putRecord "${J[@]}" -H "authorization: Bearer $access" \
  -d "{\"repo\":\"$did\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"$rkey\",\"swapRecord\":null,\"record\":$(post hello)}"
check "putRecord swapRecord=null, same rkey+same record" 200
req POST com.atproto.repo.putRecord "${J[@]}" -H "authorization: Bearer $access" \
  -d "{\"repo\":\"$did\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"$rkey\",\"swapRecord\":null,\"record\":$(post changed)}"
check "putRecord swapRecord=null, same rkey, other record" 400 InvalidSwap
req POST com.atproto.repo.putRecord "${J[@]}" -H "authorization: Bearer $access" \
  -d "{\"repo\":\"$did\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"3lgrowtest223\",\"swapRecord\":null,\"record\":$(post new)}"
check "putRecord swapRecord=null, new rkey (create)" 200
req POST com.atproto.repo.createRecord "${J[@]}" -H "authorization: Bearer $access" \
  -d "{\"repo\":\"$did\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"letsgrow-1\",\"record\":$(post x)}"
check "createRecord post, non-TID rkey" 400 InvalidRequest
req GET "com.atproto.repo.getRecord?repo=$did&collection=app.bsky.feed.post&rkey=$rkey"
check "getRecord" 200

printf '\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0dIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82' >"$work/dot.png"
req POST com.atproto.repo.uploadBlob -H "authorization: Bearer $access" -H 'content-type: image/png' \
  --data-binary @"$work/dot.png"
check "uploadBlob PNG" 200

req POST com.atproto.repo.deleteRecord "${J[@]}" -H "authorization: Bearer $access" \
  -d "{\"repo\":\"$did\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"$rkey\"}"
check "deleteRecord" 200
req GET "com.atproto.repo.getRecord?repo=$did&collection=app.bsky.feed.post&rkey=$rkey"
check "getRecord after delete" 400 RecordNotFound

req POST com.atproto.server.refreshSession -H "authorization: Bearer $refresh"
check "refreshSession" 200
req GET com.atproto.server.getSession -H "authorization: Bearer not-a-jwt"
check "invalid access token" 400 InvalidToken
req GET com.atproto.server.getSession
check "no access token" 401 AuthMissing
sleep 4
req GET com.atproto.server.getSession -H "authorization: Bearer $access"
check "expired access token (TTL 3s)" 400 ExpiredToken

# createSession: 30 per 5 min per (identifier, client ip); every attempt counts,
# an over-long (>512 chars) password is rejected without hashing -> fast.
long=$(head -c 600 /dev/zero | tr '\0' x)
req POST com.atproto.server.createSession "${J[@]}" -d "{\"identifier\":\"alice.test\",\"password\":\"$long\"}"
check "createSession over-long password" 401 AuthenticationRequired
for _ in $(seq 30); do
  req POST com.atproto.server.createSession "${J[@]}" -d "{\"identifier\":\"alice.test\",\"password\":\"$long\"}"
done
req POST com.atproto.server.createSession "${J[@]}" -d "{\"identifier\":\"alice.test\",\"password\":\"$app_pw\"}"
check "createSession #31 -> rate limited" 429 RateLimitExceeded

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
