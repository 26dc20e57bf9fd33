#!/usr/bin/env bash
# bench/episode_read/run.sh: the authenticated, audited GET /api/v1/episodes/{id}, two builds of
# earlyhelp side by side in one run.
#
# Builds `earlyhelp` in release mode at BEFORE (a git revision) and at AFTER (a revision, or the
# working tree with its uncommitted changes when omitted), each from its own source copy into a
# target directory of its own (two copies of one workspace must never share one: cargo would
# take one's artifacts for the other's). For each build it creates a scratch
# database, migrates and seeds the demo data, serves on 127.0.0.1:$PORT, signs in as the demo
# practitioner, and loads GET /api/v1/episodes/{id} of one of their episodes with wrk
# (-t2 -c$CONNECTIONS), alternating the builds ROUNDS times so neither always runs first.
# Prints requests/s, p50 and p99 per build and round. All load goes to 127.0.0.1 only.
#
# Usage: bench/episode_read/run.sh <before-revision> [<after-revision>]
# Knobs (environment): DURATION (15 s), WARMUP (3 s), ROUNDS (2), CONNECTIONS (32),
# PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable), PORT (18282).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BENCH_DIR="$REPO/target/bench"
BEFORE=${1:?usage: bench/episode_read/run.sh <before-revision> [<after-revision>]}
AFTER=${2:-}
PG_ADMIN_URL=${PG_ADMIN_URL:-"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"}
PORT=${PORT:-18282}
URL="http://127.0.0.1:$PORT"
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-3}
ROUNDS=${ROUNDS:-2}
CONNECTIONS=${CONNECTIONS:-32}
PASSWORD="bench demo passphrase for the episode read"
SECRET="bench-signing-secret-0123456789abcdef0123456789"
SOURCES="$BENCH_DIR/episode-read-src"

die() { echo "run.sh: $*" >&2; exit 1; }
log() { echo "==> $*" >&2; }

case "$PG_ADMIN_URL" in
  *@127.0.0.1:*|*@127.0.0.1/*) ;;
  *) die "PG_ADMIN_URL must point at 127.0.0.1";;
esac
for tool in psql curl jq wrk git; do
  command -v "$tool" >/dev/null || die "$tool is required (apt-get install -y $tool)"
done

SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  for name in before after; do
    psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS earlyhelp_bench_$name WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

# Source copies: the revision, and the working tree as it is (uncommitted changes included).
rm -rf "$SOURCES"
mkdir -p "$SOURCES/before" "$SOURCES/after"
git -C "$REPO" archive "$BEFORE" | tar -x -C "$SOURCES/before"
if [ -n "$AFTER" ]; then
  git -C "$REPO" archive "$AFTER" | tar -x -C "$SOURCES/after"
else
  git -C "$REPO" ls-files -co --exclude-standard -z | (cd "$REPO" && xargs -0 tar -c) | tar -x -C "$SOURCES/after"
fi
for name in before after; do
  log "building $name (release)"
  (cd "$SOURCES/$name" && CARGO_TARGET_DIR="$BENCH_DIR/$name" cargo build --release -q -p earlyhelp)
  cp "$BENCH_DIR/$name/release/earlyhelp" "$BENCH_DIR/earlyhelp-$name"
done

database_url() {
  local base=${PG_ADMIN_URL%%\?*}
  echo "${base%/*}/earlyhelp_bench_$1?${PG_ADMIN_URL#*\?}"
}

run_one() {
  local name=$1 round=$2 db
  db=$(database_url "$name")
  psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS earlyhelp_bench_$name WITH (FORCE)" >/dev/null 2>&1
  psql -q "$PG_ADMIN_URL" -c "CREATE DATABASE earlyhelp_bench_$name" >/dev/null
  DATABASE_URL=$db "$BENCH_DIR/earlyhelp-$name" migrate >/dev/null 2>&1
  DATABASE_URL=$db EARLYHELP_DEMO_PASSWORD=$PASSWORD "$BENCH_DIR/earlyhelp-$name" seed-demo >/dev/null 2>&1
  DATABASE_URL=$db EARLYHELP_JWT_SECRET=$SECRET EARLYHELP_WORKERS=2 RUST_LOG=warn \
    "$BENCH_DIR/earlyhelp-$name" serve --bind "127.0.0.1:$PORT" >/dev/null 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -fs "$URL/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  local token episode
  token=$(curl -fs -X POST "$URL/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"practitioner@demo.earlyhelp.test\",\"password\":\"$PASSWORD\"}" | jq -r .access_token)
  episode=$(curl -fs "$URL/api/v1/episodes?limit=1" -H "authorization: Bearer $token" | jq -r '.items[0].id')
  [ -n "$episode" ] && [ "$episode" != null ] || die "$name: no episode to read"
  local target="$URL/api/v1/episodes/$episode"
  case "$target" in http://127.0.0.1:*) ;; *) die "refusing to load $target";; esac
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" -H "authorization: Bearer $token" "$target" >/dev/null
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "authorization: Bearer $token" "$target")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf '%-7s round %s  %10s req/s  p50 %8s  p99 %8s  non-2xx %s\n' "$name" "$round" "$rps" "$p50" "$p99" "${non2xx:-0}"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

echo "GET /api/v1/episodes/{id} as its lead, wrk -t2 -c$CONNECTIONS -d${DURATION}s, $(nproc) cores"
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order="before after"; else order="after before"; fi
  for name in $order; do run_one "$name" "$round"; done
done
