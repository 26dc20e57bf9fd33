#!/bin/sh
# Container entrypoint: migrate, optionally seed the demo data, then serve.
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
