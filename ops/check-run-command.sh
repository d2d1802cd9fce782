#!/usr/bin/env bash
# Checks the README's run command end to end: ops/run-master.sh builds from this checkout and
# starts a master that answers /healthz with 200, and SIGTERM then stops it cleanly (exit 0).
# Prints how long the command took to be healthy. ops/test.sh runs this after the tests.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
log="$work/run-master.log"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "run command check FAILED: $1" >&2
  echo "--- last lines of its output:" >&2
  tail -n 30 "$log" >&2 || true
  exit 1
}

started=$(date +%s%N)
# Port 0: the master takes a free port and logs it, so this never collides with anything.
BACKUPD_DATA_DIR="$work/data" BACKUPD_URLS=http://127.0.0.1:0 BACKUPD_NODE_URLS=https://127.0.0.1:0 \
  "$repo/ops/run-master.sh" >"$log" 2>&1 &
pid=$!

deadline=$(( $(date +%s) + 300 ))
url=""
while :; do
  kill -0 "$pid" 2>/dev/null || fail "ops/run-master.sh exited before /healthz answered"
  [ "$(date +%s)" -lt "$deadline" ] || fail "/healthz did not answer 200 within 300 s"
  if [ -z "$url" ]; then
    url="$(grep -oE 'Now listening on: http://127\.0\.0\.1:[0-9]+' "$log" | head -n 1 | sed 's/^Now listening on: //')" || true
  fi
  if [ -n "$url" ] && curl -sf -o /dev/null "$url/healthz"; then break; fi
  sleep 0.2
done
healthy=$(date +%s%N)
printf 'run command: /healthz answered 200 after %d.%d s (build included)\n' \
  $(( (healthy - started) / 1000000000 )) $(( (healthy - started) / 100000000 % 10 ))

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
[ "$status" -eq 0 ] || fail "the master exited with $status after SIGTERM instead of 0"
echo "run command: SIGTERM stopped the master cleanly"
