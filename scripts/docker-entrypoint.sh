#!/bin/sh
# Container entrypoint: migrate (as the owner, EARLYHELP_MIGRATION_DATABASE_URL),
# optionally seed the demo data, then serve (as DATABASE_URL's role).
# With arguments, runs `earlyhelp ARGS...` instead (e.g. `user create ...`).
set -eu

if [ "$#" -gt 0 ]; then
    exec earlyhelp "$@"
fi

earlyhelp migrate
if [ "${EARLYHELP_SEED_DEMO:-0}" = "1" ]; then
    earlyhelp seed-demo
fi
exec earlyhelp serve --bind 0.0.0.0:8080
