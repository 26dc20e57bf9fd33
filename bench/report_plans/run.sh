#!/usr/bin/env bash
# bench/report_plans/run.sh: every report over HTTP at SCALE synthetic families, timed, with the
# PostgreSQL plan (EXPLAIN ANALYZE, by auto_explain) of each of its SQL statements.
#
# Creates the scratch database earlyhelp_bench_reports, migrates it, loads SCALE families with
# `earlyhelp seed-synthetic`, serves on 127.0.0.1:$PORT (2 workers) and signs in as the
# synthetic county manager. Phase 1 times each report RUNS times with curl (after WARM
# warm-ups). Phase 2 restarts the server with auto_explain on for that database only and
# requests each report once more, keeping from the PostgreSQL log the plans of the report's
# own statements (hand-written SQL: the statements diesel's DSL builds for sign-in, scope and
# audit quote their identifiers and are left out). Writes bench/results/<date>-reports-<scale>.md
# and prints the timing table. All requests go to 127.0.0.1 only.
#
# Knobs (environment): SCALE (100000), SEED (1), RUNS (10), WARM (2), PORT (18383),
# PROFILE (release; `debug` reuses target/debug), KEEP_DB (1 keeps the database),
# PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable),
# PG_LOG (the server's log file; found with pg_lsclusters).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SCALE=${SCALE:-100000}
SEED=${SEED:-1}
RUNS=${RUNS:-10}
WARM=${WARM:-2}
PORT=${PORT:-18383}
PROFILE=${PROFILE:-release}
PG_ADMIN_URL=${PG_ADMIN_URL:-"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"}
URL="http://127.0.0.1:$PORT"
DB=earlyhelp_bench_reports
PASSWORD="synthetic bench passphrase"
SECRET="bench-signing-secret-0123456789abcdef0123456789"
RESULTS="$REPO/bench/results/$(date +%F)-reports-$SCALE.md"

die() { echo "run.sh: $*" >&2; exit 1; }
log() { echo "==> $*" >&2; }

case "$PG_ADMIN_URL" in
  *@127.0.0.1:*|*@127.0.0.1/*) ;;
  *) die "PG_ADMIN_URL must point at 127.0.0.1";;
esac
for tool in psql curl jq pg_lsclusters; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
PG_LOG=${PG_LOG:-$(pg_lsclusters --no-header | awk '$3 == 5432 {print $7; exit}')}
[ -r "$PG_LOG" ] || die "cannot read the PostgreSQL log '$PG_LOG' (set PG_LOG)"

base=${PG_ADMIN_URL%%\?*}
DATABASE_URL="${base%/*}/$DB?${PG_ADMIN_URL#*\?}"
export DATABASE_URL

if [ "$PROFILE" = release ]; then
  log "building earlyhelp (release)"
  (cd "$REPO" && cargo build --release -q -p earlyhelp)
  BIN="$REPO/target/release/earlyhelp"
else
  (cd "$REPO" && cargo build -q -p earlyhelp)
  BIN="$REPO/target/debug/earlyhelp"
fi

SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  SERVER_PID=""
}
cleanup() {
  stop_server
  psql -q "$PG_ADMIN_URL" -c "ALTER DATABASE $DB RESET ALL" >/dev/null 2>&1 || true
  if [ "${KEEP_DB:-0}" != 1 ]; then
    psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

exists=$(psql -X -tA "$PG_ADMIN_URL" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")
if [ "$exists" != 1 ]; then
  psql -q "$PG_ADMIN_URL" -c "CREATE DATABASE $DB" >/dev/null
fi
"$BIN" migrate >/dev/null
log "loading $SCALE synthetic families (seed $SEED)"
EARLYHELP_SYNTHETIC_PASSWORD=$PASSWORD "$BIN" seed-synthetic --families "$SCALE" --seed "$SEED" | tail -n 3 >&2
EPISODES=$(psql -X -tA "$DATABASE_URL" -c "SELECT count(*) FROM episodes")

start_server() {
  EARLYHELP_JWT_SECRET=$SECRET EARLYHELP_WORKERS=2 RUST_LOG=warn \
    "$BIN" serve --bind "127.0.0.1:$PORT" >/dev/null 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -fs "$URL/readyz" >/dev/null 2>&1 && return; sleep 0.1; done
  die "the server did not become ready"
}
sign_in() {
  curl -fs -X POST "$URL/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"manager@synthetic.earlyhelp.test\",\"password\":\"$PASSWORD\"}" | jq -r .access_token
}

YEAR=$(date +%Y); [ "$(date +%m)" -lt 4 ] && YEAR=$((YEAR - 1))
LAST=$((YEAR - 1))
REPORTS=(
  "caseload?by=county"
  "caseload?by=locality"
  "caseload?by=organisation_kind"
  "caseload?by=organisation"
  "caseload?by=lead_professional"
  "caseload?by=reviewer"
  "performance?financial_year=$LAST"
  "performance?financial_year=$LAST&series=monthly"
  "performance?financial_year=$LAST&by=organisation_kind"
  "review-turnaround?financial_year=$LAST"
  "feedback-quality?financial_year=$LAST"
  "feedback-quality?financial_year=$LAST&by=organisation_kind"
  "taf?financial_year=$LAST"
  "step-transitions?financial_year=$LAST"
  "consultations?financial_year=$LAST"
  "episode-durations?financial_year=$LAST"
  "annex-a?inspection_date=$(date +%F)"
)
for report in "${REPORTS[@]}"; do
  case "$URL/api/v1/reports/$report" in http://127.0.0.1:*) ;; *) die "refusing $report";; esac
done

log "phase 1: timing each report ($RUNS runs after $WARM warm-ups)"
start_server
TOKEN=$(sign_in)
[ -n "$TOKEN" ] && [ "$TOKEN" != null ] || die "cannot sign in as the synthetic manager"
TABLE="| report | median ms | max ms | rows | status |
| --- | ---: | ---: | ---: | --- |"
for report in "${REPORTS[@]}"; do
  target="$URL/api/v1/reports/$report"
  for _ in $(seq 1 "$WARM"); do curl -s -o /dev/null -H "authorization: Bearer $TOKEN" "$target"; done
  times=()
  for _ in $(seq 1 "$RUNS"); do
    times+=("$(curl -s -o /dev/null -w '%{time_total}' -H "authorization: Bearer $TOKEN" "$target")")
  done
  body=$(curl -s -w '\n%{http_code}' -H "authorization: Bearer $TOKEN" -H 'accept: application/json' "$target")
  status=${body##*$'\n'}
  rows=$(jq -r '.rows | length' <<<"${body%$'\n'*}" 2>/dev/null || echo -)
  read -r median max < <(printf '%s\n' "${times[@]}" | sort -n |
    awk '{ t[NR] = $1 * 1000 } END { printf "%.1f %.1f\n", t[int((NR + 1) / 2)], t[NR] }')
  TABLE+=$'\n'"| \`$report\` | $median | $max | $rows | $status |"
done
stop_server
echo "$TABLE"

log "phase 2: the plans (auto_explain)"
psql -q "$PG_ADMIN_URL" -c "ALTER DATABASE $DB SET session_preload_libraries = 'auto_explain'" \
  -c "ALTER DATABASE $DB SET auto_explain.log_min_duration = 0" \
  -c "ALTER DATABASE $DB SET auto_explain.log_analyze = on" \
  -c "ALTER DATABASE $DB SET auto_explain.log_buffers = on" >/dev/null
start_server
TOKEN=$(sign_in)
PLANS=""
for report in "${REPORTS[@]}"; do
  offset=$(stat -c %s "$PG_LOG")
  curl -s -o /dev/null -H "authorization: Bearer $TOKEN" "$URL/api/v1/reports/$report"
  sleep 0.5
  # One entry per logged plan: from its "duration: ... plan:" line to the next log line.
  plans=$(tail -c +"$((offset + 1))" "$PG_LOG" | awk -v db="$DB" '
    /^[0-9][0-9][0-9][0-9]-/ { if (entry != "" && keep) print entry "\n"; entry = ""; keep = 0 }
    /LOG:  duration: .* plan:/ && index($0, db) { entry = $0; keep = 1; next }
    entry != "" { entry = entry "\n" $0 }
    END { if (entry != "" && keep) print entry }' |
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
      match($0, /Query Text: [^\n]*/) && index(substr($0, RSTART, RLENGTH), "\"") == 0')
  PLANS+=$'\n'"### \`$report\`"$'\n\n```\n'"$plans"$'\n```\n'
done
stop_server

mkdir -p "$(dirname "$RESULTS")"
{
  echo "# Reports at $SCALE synthetic families ($EPISODES episodes), $(date +%F)"
  echo
  echo "\`SCALE=$SCALE bench/report_plans/run.sh\` on $(nproc) cores, PostgreSQL $(psql -X -tA "$PG_ADMIN_URL" -c 'SHOW server_version'),"
  echo "the $PROFILE build serving with 2 workers; the synthetic county manager (every report at"
  echo "county scope, the widest), over the last full financial year ($LAST) unless the report says"
  echo "otherwise. Time is curl's total per request (sign-in excluded), $RUNS runs after $WARM warm-ups."
  echo
  echo "$TABLE"
  echo
  echo "## Plans"
  echo
  echo "Each report's own SQL statements as auto_explain logged them (EXPLAIN ANALYZE, BUFFERS),"
  echo "in one more request with auto_explain on (its timing adds overhead to these figures)."
  echo "$PLANS"
} >"$RESULTS"
log "written $RESULTS"
