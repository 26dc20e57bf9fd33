#!/usr/bin/env bash
# bench/pool/run.sh: blocking diesel (r2d2 + web::block) vs diesel-async (deadpool), end to end.
#
# Creates the scratch database earlyhelp_bench, builds pool-bench (release, in target/bench),
# then for every setting starts a fresh server on 127.0.0.1:18181, warms it up, loads it with
# wrk, records throughput, latency, CPU and peak RSS, stops it; prints a table and drops the
# database. About 2 minutes after the first build. See bench/README.md.
#
# Knobs (environment): DURATION (15 s), WARMUP (3 s), ROUNDS (1: repeat every setting),
# PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable), PORT (18181),
# KEEP_DB=1 (do not drop the database at the end), RESULTS_DIR (raw wrk output),
# WAIT_QUIET=SECONDS (before each pair, wait up to that long for the machine to go idle: 0).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# Its own target dir: shares the disk with the main build but never its lock.
export CARGO_TARGET_DIR="$REPO/target/bench"

PG_ADMIN_URL=${PG_ADMIN_URL:-"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"}
BENCH_DB=earlyhelp_bench
base=${PG_ADMIN_URL%%\?*}
DATABASE_URL="${base%/*}/$BENCH_DB?${PG_ADMIN_URL#*\?}"
PORT=${PORT:-18181}
URL="http://127.0.0.1:$PORT"
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-3}
ROUNDS=${ROUNDS:-1}
WAIT_QUIET=${WAIT_QUIET:-0}
WORKERS=2
RESULTS_DIR=${RESULTS_DIR:-"$CARGO_TARGET_DIR/pool-results/$(date +%Y%m%d-%H%M%S)"}
BIN="$CARGO_TARGET_DIR/release/pool-bench"
TICK=$(getconf CLK_TCK)

# Settings, in pairs that run back to back; the order inside a pair alternates so that neither
# variant always goes first. Each line: variant pool_size connections.
PLAN=(
  "blocking 4 8"   "async 4 8"
  "async 4 64"     "blocking 4 64"
  "blocking 16 64" "async 16 64"
)

die() { echo "run.sh: $*" >&2; exit 1; }
log() { echo "==> $*" >&2; }

case "$PG_ADMIN_URL" in
  *@127.0.0.1:*|*@localhost:*|*@127.0.0.1/*|*@localhost/*) ;;
  *) die "PG_ADMIN_URL must point at this machine (127.0.0.1)";;
esac
case "$DATABASE_URL" in *sslmode=disable*) ;; *) die "PG_ADMIN_URL must carry sslmode=disable";; esac

command -v psql >/dev/null || die "psql is required"
command -v curl >/dev/null || die "curl is required"
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  else sudo apt-get install -y wrk; fi
fi

SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
cleanup() {
  stop_server
  if [ "${KEEP_DB:-0}" != 1 ]; then
    psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" >/dev/null 2>&1 \
      && log "dropped database $BENCH_DB" || echo "run.sh: could not drop $BENCH_DB" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if curl -s -o /dev/null "$URL/"; then die "something already listens on $URL"; fi

# What else is running: a concurrent build skews the figures (the 'other CPU' column shows how much).
# shellcheck disable=SC2009
busy_builds=$(ps -eo comm= | grep -cE '^(rustc|cargo|cc1|cc1plus|ld|mold|lld)$' || true)
log "load average $(cut -d' ' -f1-3 /proc/loadavg); compiler processes running now: $busy_builds"

log "creating database $BENCH_DB (10,000 users, 10,000 sessions)"
psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" >/dev/null
psql -q "$PG_ADMIN_URL" -c "CREATE DATABASE $BENCH_DB" >/dev/null
psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f "$HERE/schema.sql" >/dev/null

log "building pool-bench (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
cargo build --release --quiet --manifest-path "$HERE/Cargo.toml"

mkdir -p "$RESULTS_DIR"

# CPU ticks (user+system) of the given pids, summed; vanished pids count 0.
ticks() {
  local total=0 pid f
  for pid in "$@"; do
    f=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    f=${f##*) }                       # fields from 3 on, past "(comm)"
    # shellcheck disable=SC2086
    set -- $f                         # split on purpose
    total=$(( total + ${12} + ${13} ))  # utime, stime = fields 14, 15
  done
  echo "$total"
}
# Busy and total ticks of the whole machine.
host_ticks() { awk '/^cpu /{t=0; for(i=2;i<=NF;i++) t+=$i; print t-$5-$6, t}' /proc/stat; }
pg_backends() {
  psql -qtA "$PG_ADMIN_URL" -c "SELECT pid FROM pg_stat_activity WHERE datname = '$BENCH_DB'"
}

start_server() {
  local variant=$1 pool=$2
  DATABASE_URL="$DATABASE_URL" POOL_SIZE="$pool" WORKERS="$WORKERS" BIND="127.0.0.1:$PORT" \
    "$BIN" 2>>"$RESULTS_DIR/server.log" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    if curl -sf -o /dev/null "$URL/$variant/0"; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || die "pool-bench exited; see $RESULTS_DIR/server.log"
    sleep 0.1
  done
  die "pool-bench did not answer on $URL"
}

# Whole-machine busy % (of one core x cores) over the next second.
busy_now() {
  local b0 t0 b1 t1
  read -r b0 t0 < <(host_ticks); sleep 1; read -r b1 t1 < <(host_ticks)
  echo $(( 100 * (b1 - b0) / (t1 - t0 > 0 ? t1 - t0 : 1) ))
}
wait_quiet() {
  [ "$WAIT_QUIET" -gt 0 ] || return 0
  local deadline=$(( SECONDS + WAIT_QUIET )) busy
  while busy=$(busy_now); [ "$busy" -gt 15 ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then log "machine still ${busy}% busy; going on"; return 0; fi
    log "machine ${busy}% busy; waiting for it to go quiet"
    sleep 4
  done
}

ROWS=()
run_one() {
  local variant=$1 pool=$2 conns=$3 round=$4
  local name="${variant}-pool${pool}-c${conns}-r${round}"
  log "$name: warm-up ${WARMUP}s, measure ${DURATION}s"
  start_server "$variant" "$pool"
  wrk -t2 -c"$conns" -d"${WARMUP}s" --timeout 10s -s "$HERE/load.lua" "$URL" -- "/$variant/" >/dev/null

  local pgpids s0 p0 hb0 ht0 hb1 ht1 out
  local -a pg
  pgpids=$(pg_backends); read -r -d '' -a pg <<<"$pgpids" || true
  s0=$(ticks "$SERVER_PID"); p0=$(ticks "${pg[@]}"); read -r hb0 ht0 < <(host_ticks)
  TIMEFORMAT='%3U %3S'
  { time wrk -t2 -c"$conns" -d"${DURATION}s" --timeout 10s --latency -s "$HERE/load.lua" "$URL" -- "/$variant/" \
      >"$RESULTS_DIR/$name.txt"; } 2>"$RESULTS_DIR/$name.wrktime"
  read -r hb1 ht1 < <(host_ticks)
  local s1 p1 hwm
  s1=$(ticks "$SERVER_PID"); p1=$(ticks "${pg[@]}")
  hwm=$(awk '/^VmHWM/{print $2}' "/proc/$SERVER_PID/status")
  kill -0 "$SERVER_PID" 2>/dev/null || die "pool-bench died during $name"
  stop_server

  out=$(grep '^RESULT' "$RESULTS_DIR/$name.txt") || die "no RESULT line in $RESULTS_DIR/$name.txt"
  # shellcheck disable=SC2086
  ROWS+=("$(awk -v variant="$variant" -v pool="$pool" -v conns="$conns" -v round="$round" \
      -v s="$((s1 - s0))" -v p="$((p1 - p0))" -v hb="$((hb1 - hb0))" -v ht="$((ht1 - ht0))" \
      -v tick="$TICK" -v hwm="$hwm" -v wrkt="$(cat "$RESULTS_DIR/$name.wrktime")" '
    {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
      split(wrkt, w, " ")
      secs = r["duration_us"] / 1e6; n = r["requests"]
      ncpu = ht / (secs * tick)                      # cores, from the /proc/stat window
      host = hb / tick; server = s / tick; pg = p / tick; wrk = w[1] + w[2]
      other = host - server - pg - wrk; if (other < 0) other = 0
      flag = (100 * other / secs > 10) ? " *" : ""
      printf "%-8s %4d %5d %5d %9.0f %7.2f %7.2f %7.2f %8.2f %6d %8.0f %8.0f %8.1f %6.0f%% %6.0f%%%s\n",
        variant, pool, conns, round, n / secs, r["p50_us"] / 1000, r["p90_us"] / 1000,
        r["p99_us"] / 1000, r["max_us"] / 1000, r["errors"] + r["non2xx"],
        server * 1e6 / n, pg * 1e6 / n, hwm / 1024, 100 * host / secs, 100 * other / secs, flag
    }' <<<"$out")")
}

log "results and raw wrk output: $RESULTS_DIR"
for round in $(seq "$ROUNDS"); do
  i=0
  for entry in "${PLAN[@]}"; do
    if [ $(( i % 2 )) = 0 ]; then wait_quiet; fi   # never between the two halves of a pair
    i=$(( i + 1 ))
    # shellcheck disable=SC2086
    run_one $entry "$round"
  done
done

{
  echo
  echo "pool-bench: $WORKERS actix workers, wrk -t2, ${WARMUP}s warm-up + ${DURATION}s measured, $(nproc) cores"
  echo "app/pg CPU = CPU time of pool-bench / of its PostgreSQL backends per request; host CPU = whole"
  echo "machine busy (of $(( $(nproc) * 100 ))%); other = host minus pool-bench, its backends and wrk."
  echo
  printf "%-8s %4s %5s %5s %9s %7s %7s %7s %8s %6s %8s %8s %8s %7s %7s\n" \
    variant pool conns round "req/s" "p50 ms" "p90 ms" "p99 ms" "max ms" errors \
    "app us/r" "pg us/r" "RSS MiB" "host" "other"
  printf '%s\n' "${ROWS[@]}"
  if printf '%s\n' "${ROWS[@]}" | grep -q ' \*$'; then
    echo
    echo "* more than 10% of the machine went to other processes during this run: its figures are"
    echo "  disturbed. Rerun when the machine is quiet (WAIT_QUIET=300 waits before each pair)."
  fi
} | tee "$RESULTS_DIR/summary.txt"
