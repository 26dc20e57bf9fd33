# shellcheck shell=bash
#
# scripts/lib/postgres.sh: make a local PostgreSQL usable for earlyhelp.
#
# Source this file, then call `ensure_postgres`. On success it exports
#
#   EARLYHELP_PG_ADMIN_URL  a URL to the `postgres` maintenance database on
#                           127.0.0.1:5432 whose role can CREATE DATABASE,
#                           always with sslmode=disable.
#
# and `pg_url_for_db NAME` prints the same URL pointing at database NAME.
# After the migrations have run, `pg_ensure_serving_role` makes the login
# role the server connects as (owning nothing, a member of earlyhelp_app),
# and `pg_serving_url_for_db NAME` prints its URL to database NAME.
#
# It handles these states of a Debian 12 machine (running as root, or as a
# user with passwordless sudo):
#   * a server already accepting connections (trust or password auth);
#   * a cluster installed but stopped (started with pg_ctlcluster);
#   * Debian's default authentication (peer on the socket, scram-sha-256 on
#     TCP): a login role earlyhelp/earlyhelp with CREATEDB and CREATEROLE (the
#     migrations make the serving group role) is created or
#     updated through `runuser -u postgres -- psql` and used over TCP;
#   * no PostgreSQL at all (installed with apt-get, cluster created if none).
# It also installs the build prerequisites libpq-dev and pkg-config when
# they are missing (apt-get update runs only if something is missing).
#
# If EARLYHELP_PG_ADMIN_URL is already set when ensure_postgres runs, it is
# checked and used as is; the local server is then left alone.
#
# Progress goes to stderr, prefixed [postgres]. Every function returns
# non-zero on failure instead of relying on `set -e`, so the library behaves
# the same under `set -euo pipefail` and without it. Nothing here changes
# the caller's shell options.

if [[ -n "${_EARLYHELP_PG_LIB_LOADED:-}" ]]; then
    return 0
fi
_EARLYHELP_PG_LIB_LOADED=1

_EARLYHELP_PG_HOST=127.0.0.1
_EARLYHELP_PG_PORT=5432
# The earlyhelp role used when neither postgres nor root can log in without
# a password. A development credential for a loopback-only server.
_EARLYHELP_PG_ROLE=earlyhelp
_EARLYHELP_PG_ROLE_PASSWORD=earlyhelp
# Last connection error seen by _pg_probe, for diagnostics.
_EARLYHELP_PG_LAST_ERROR=""
# File descriptor holding the ensure_postgres lock while it runs.
_EARLYHELP_PG_LOCK_FD=""

_pg_log() {
    printf '[postgres] %s\n' "$*" >&2
}

_pg_fail() {
    printf '[postgres] ERROR: %s\n' "$*" >&2
    return 1
}

# Hide the password in a URL before logging it.
_pg_redact() {
    local url=$1
    if [[ "$url" =~ ^([a-zA-Z][a-zA-Z0-9+.-]*://[^:@/]*):[^@/]*@(.*)$ ]]; then
        printf '%s:***@%s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
    else
        printf '%s\n' "$url"
    fi
}

_pg_is_root() {
    [[ "${EUID:-$(id -u)}" -eq 0 ]]
}

# Run a command without the ensure_postgres lock descriptor, so that a
# daemon it starts (the PostgreSQL server) does not inherit it and keep the
# lock held after we return.
_pg_unlocked() {
    if [[ -n "${_EARLYHELP_PG_LOCK_FD:-}" ]]; then
        "$@" {_EARLYHELP_PG_LOCK_FD}>&-
    else
        "$@"
    fi
}

# Run a command as root (directly, or through passwordless sudo).
_pg_as_root() {
    if _pg_is_root; then
        _pg_unlocked "$@"
    elif command -v sudo >/dev/null 2>&1; then
        _pg_unlocked sudo -n -- "$@"
    else
        _pg_fail "need root (or passwordless sudo) to run: $*"
    fi
}

# Run a command as the OS user postgres, from / (so that it does not
# complain about an unreadable current directory).
_pg_as_postgres() {
    if ! id postgres >/dev/null 2>&1; then
        _pg_fail "there is no OS user 'postgres'; is the postgresql package installed?"
        return 1
    fi
    if _pg_is_root && command -v runuser >/dev/null 2>&1; then
        (cd / && _pg_unlocked runuser -u postgres -- "$@")
    elif command -v sudo >/dev/null 2>&1; then
        (cd / && _pg_unlocked sudo -n -u postgres -- "$@")
    else
        _pg_fail "need root (runuser) or passwordless sudo to run as OS user postgres: $*"
    fi
}

_pg_pkg_installed() {
    local status
    # shellcheck disable=SC2016  # ${Status} is a dpkg-query format field, not a shell expansion.
    status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
    [[ "$status" == "install ok installed" ]]
}

# True when something accepts TCP connections on host:port (no client tools needed).
_pg_port_open() {
    # shellcheck disable=SC2016  # expanded by the inner bash, from its arguments.
    timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$_EARLYHELP_PG_HOST" "$_EARLYHELP_PG_PORT" >/dev/null 2>&1
}

# True when Debian's PostgreSQL server and cluster tools are installed.
_pg_server_installed() {
    compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null &&
        command -v pg_lsclusters >/dev/null 2>&1 &&
        command -v pg_ctlcluster >/dev/null 2>&1 &&
        command -v pg_createcluster >/dev/null 2>&1
}

# Newest installed server version (e.g. 15), or nothing.
_pg_newest_server_version() {
    local dir versions=()
    for dir in /usr/lib/postgresql/*/bin/postgres; do
        [[ -x "$dir" ]] || continue
        dir=${dir#/usr/lib/postgresql/}
        versions+=("${dir%%/*}")
    done
    ((${#versions[@]} > 0)) || return 0
    printf '%s\n' "${versions[@]}" | sort -V | tail -n 1
}

_pg_apt_get() {
    _pg_as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=300 -q "$@" >&2
}

# Install whatever is missing: libpq-dev and pkg-config (for diesel's pq-sys),
# the PostgreSQL client, and (unless client_only) the server.
_pg_install_missing() {
    local client_only=${1:-}
    local -a missing=()
    local pkg cmd

    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        _pg_log "not a Debian-like system (no dpkg-query/apt-get); not installing anything"
        for cmd in psql pg_isready pkg-config; do
            command -v "$cmd" >/dev/null 2>&1 ||
                _pg_log "warning: '$cmd' not found; install it (and the libpq development files) yourself"
        done
        return 0
    fi

    for pkg in libpq-dev pkg-config; do
        _pg_pkg_installed "$pkg" || missing+=("$pkg")
    done
    if [[ -z "$client_only" ]] && ! _pg_server_installed && ! _pg_port_open; then
        # Nothing listens on 5432 and there is no Debian server to start.
        missing+=(postgresql)
    elif ! command -v psql >/dev/null 2>&1 || ! command -v pg_isready >/dev/null 2>&1; then
        missing+=(postgresql-client)
    fi

    if ((${#missing[@]} == 0)); then
        _pg_log "prerequisites present (libpq-dev, pkg-config, PostgreSQL${client_only:+ client})"
        return 0
    fi
    _pg_log "installing missing packages: ${missing[*]}"
    _pg_apt_get update ||
        { _pg_fail "apt-get update failed"; return 1; }
    _pg_apt_get install -y "${missing[@]}" ||
        { _pg_fail "apt-get install ${missing[*]} failed"; return 1; }
    hash -r
}

_pg_ready() {
    pg_isready -h "$_EARLYHELP_PG_HOST" -p "$_EARLYHELP_PG_PORT" -t 2 >/dev/null 2>&1
}

# Wait (bounded) until the server accepts connections on 127.0.0.1:5432.
_pg_wait_ready() {
    local limit=${EARLYHELP_PG_WAIT_SECONDS:-30}
    local deadline=$((SECONDS + limit))
    until _pg_ready; do
        if ((SECONDS >= deadline)); then
            _pg_fail "PostgreSQL is not accepting connections on $_EARLYHELP_PG_HOST:$_EARLYHELP_PG_PORT after ${limit}s (pg_isready)"
            return 1
        fi
        sleep 1
    done
    _pg_log "accepting connections on $_EARLYHELP_PG_HOST:$_EARLYHELP_PG_PORT"
}

# Print "version name status logfile" of the cluster configured for port 5432.
_pg_cluster_on_port() {
    pg_lsclusters -h 2>/dev/null |
        awk -v port="$_EARLYHELP_PG_PORT" '$3 == port { print $1, $2, $4, ($7 == "" ? "-" : $7); exit }'
}

_pg_show_log_tail() {
    local logfile=$1
    if [[ -n "$logfile" && "$logfile" != "-" && -r "$logfile" ]]; then
        _pg_log "last lines of $logfile:"
        tail -n 20 "$logfile" | sed 's/^/[postgres]   /' >&2
    fi
}

# Make sure a server is running on 127.0.0.1:5432: start the Debian cluster
# configured for that port, creating `<newest version>/main` if there is no
# cluster at all.
_pg_start_server() {
    local line ver name status logfile others

    if _pg_ready; then
        _pg_log "a server is already running on $_EARLYHELP_PG_HOST:$_EARLYHELP_PG_PORT"
        return 0
    fi
    if ! _pg_server_installed; then
        _pg_fail "nothing accepts connections on $_EARLYHELP_PG_HOST:$_EARLYHELP_PG_PORT and Debian's PostgreSQL server (postgresql, postgresql-common) is not installed"
        return 1
    fi

    line=$(_pg_cluster_on_port)
    if [[ -z "$line" ]]; then
        others=$(pg_lsclusters -h 2>/dev/null || true)
        if [[ -n "$others" ]]; then
            _pg_log "existing clusters (none uses port $_EARLYHELP_PG_PORT):"
            printf '%s\n' "$others" | sed 's/^/[postgres]   /' >&2
            _pg_fail "no PostgreSQL cluster is configured for port $_EARLYHELP_PG_PORT; set 'port = $_EARLYHELP_PG_PORT' in /etc/postgresql/<version>/<cluster>/postgresql.conf, or point EARLYHELP_PG_ADMIN_URL at a server you run yourself"
            return 1
        fi
        ver=$(_pg_newest_server_version)
        if [[ -z "$ver" ]]; then
            _pg_fail "no PostgreSQL server binaries found under /usr/lib/postgresql"
            return 1
        fi
        _pg_log "no cluster exists; creating $ver/main on port $_EARLYHELP_PG_PORT"
        if ! _pg_as_root pg_createcluster -p "$_EARLYHELP_PG_PORT" "$ver" main >&2; then
            # Most often an environment locale that is not generated; C.UTF-8 always exists.
            _pg_log "pg_createcluster failed; retrying with --locale C.UTF-8"
            _pg_as_root pg_createcluster -p "$_EARLYHELP_PG_PORT" --locale C.UTF-8 "$ver" main >&2 ||
                { _pg_fail "pg_createcluster $ver main failed"; return 1; }
        fi
        line=$(_pg_cluster_on_port)
        if [[ -z "$line" ]]; then
            _pg_fail "created cluster $ver/main but pg_lsclusters does not show it on port $_EARLYHELP_PG_PORT"
            return 1
        fi
    fi

    read -r ver name status logfile <<<"$line"
    case "$status" in
        *binaries_missing*)
            _pg_fail "cluster $ver/$name has no server binaries (install postgresql-$ver)"
            return 1
            ;;
        online*)
            _pg_log "cluster $ver/$name is online; waiting for it to accept connections"
            ;;
        *)
            _pg_log "starting cluster $ver/$name (status: $status)"
            # The socket directory lives on a tmpfs and may be missing after a reboot.
            if [[ ! -d /var/run/postgresql ]]; then
                _pg_as_root install -d -m 2775 -o postgres -g postgres /var/run/postgresql ||
                    { _pg_fail "could not create /var/run/postgresql"; return 1; }
            fi
            if ! _pg_as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start >&2; then
                # Someone else may have started it in the meantime.
                status=$(_pg_cluster_on_port | awk '{ print $3 }')
                if [[ "$status" != online* ]]; then
                    _pg_show_log_tail "$logfile"
                    _pg_fail "pg_ctlcluster --skip-systemctl-redirect $ver $name start failed"
                    return 1
                fi
            fi
            ;;
    esac

    if ! _pg_wait_ready; then
        _pg_show_log_tail "$logfile"
        return 1
    fi
}

# psql against a URL using nothing but the URL (no PGPASSWORD, ~/.pgpass or
# service file), never prompting. Extra arguments are passed to psql.
_pg_psql_url() {
    local url=$1
    shift
    env -u PGPASSWORD -u PGSERVICE -u PGSERVICEFILE -u PGHOSTADDR -u PGOPTIONS \
        PGPASSFILE=/nonexistent/earlyhelp-no-pgpass \
        PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-3}" \
        psql -X -w -q -d "$url" "$@" </dev/null
}

# Succeed when URL connects and its role may create databases.
_pg_probe() {
    local url=$1 out
    if ! out=$(_pg_psql_url "$url" -tA -c 'select 1' 2>&1); then
        _EARLYHELP_PG_LAST_ERROR=$(printf '%s' "$out" | head -n 1)
        return 1
    fi
    if [[ "$out" != "1" ]]; then
        _EARLYHELP_PG_LAST_ERROR="unexpected reply to 'select 1': $out"
        return 1
    fi
    out=$(_pg_psql_url "$url" -tA \
        -c 'select rolsuper or rolcreatedb from pg_roles where rolname = current_user' 2>&1) || out=""
    if [[ "$out" != "t" ]]; then
        _EARLYHELP_PG_LAST_ERROR="connected, but the role may not create databases"
        return 1
    fi
    return 0
}

# Create (or update) the earlyhelp login role with CREATEDB over the unix
# socket as OS user postgres (peer authentication).
_pg_ensure_app_role() {
    local -a socket_args=()
    if [[ -d /var/run/postgresql ]]; then
        socket_args=(-h /var/run/postgresql)
    fi
    _pg_log "creating or updating login role '$_EARLYHELP_PG_ROLE' (LOGIN CREATEDB CREATEROLE, password '$_EARLYHELP_PG_ROLE_PASSWORD') as OS user postgres"
    _pg_as_postgres env -u PGPASSWORD -u PGHOST -u PGHOSTADDR -u PGUSER -u PGDATABASE -u PGSERVICE \
        psql -X -q -v ON_ERROR_STOP=1 "${socket_args[@]}" -p "$_EARLYHELP_PG_PORT" -d postgres >&2 <<SQL
SET password_encryption = 'scram-sha-256';
DO \$do\$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$_EARLYHELP_PG_ROLE') THEN
        ALTER ROLE $_EARLYHELP_PG_ROLE WITH LOGIN CREATEDB CREATEROLE PASSWORD '$_EARLYHELP_PG_ROLE_PASSWORD';
    ELSE
        CREATE ROLE $_EARLYHELP_PG_ROLE WITH LOGIN CREATEDB CREATEROLE PASSWORD '$_EARLYHELP_PG_ROLE_PASSWORD';
    END IF;
END
\$do\$;
SQL
}

# Find a URL that can create databases and export it as EARLYHELP_PG_ADMIN_URL.
_pg_choose_admin_url() {
    local base="$_EARLYHELP_PG_HOST:$_EARLYHELP_PG_PORT/postgres?sslmode=disable"
    local app_url="postgres://$_EARLYHELP_PG_ROLE:$_EARLYHELP_PG_ROLE_PASSWORD@$base"
    local url user

    for user in postgres root; do
        url="postgres://$user@$base"
        if _pg_probe "$url"; then
            export EARLYHELP_PG_ADMIN_URL="$url"
            _pg_log "connected as '$user' without a password"
            return 0
        fi
        _pg_log "as '$user' without a password: ${_EARLYHELP_PG_LAST_ERROR:-failed}"
    done

    if _pg_probe "$app_url"; then
        export EARLYHELP_PG_ADMIN_URL="$app_url"
        _pg_log "connected as '$_EARLYHELP_PG_ROLE' with its password"
        return 0
    fi
    _pg_log "as '$_EARLYHELP_PG_ROLE' with its password: ${_EARLYHELP_PG_LAST_ERROR:-failed}"

    if ! _pg_ensure_app_role; then
        _pg_fail "could not create the '$_EARLYHELP_PG_ROLE' role through 'runuser -u postgres -- psql' (peer authentication on the unix socket)"
        return 1
    fi
    if _pg_probe "$app_url"; then
        export EARLYHELP_PG_ADMIN_URL="$app_url"
        _pg_log "connected as '$_EARLYHELP_PG_ROLE' with its password"
        return 0
    fi
    _pg_fail "cannot log in over TCP as '$_EARLYHELP_PG_ROLE' even after creating it: ${_EARLYHELP_PG_LAST_ERROR:-unknown error}. Check pg_hba.conf allows 'host all all 127.0.0.1/32 scram-sha-256' (or md5/trust)"
    return 1
}

_ensure_postgres_locked() {
    if [[ -n "${EARLYHELP_PG_ADMIN_URL:-}" ]]; then
        _pg_log "EARLYHELP_PG_ADMIN_URL is set; using $(_pg_redact "$EARLYHELP_PG_ADMIN_URL") and leaving the local server alone"
        _pg_install_missing client-only || return 1
        if ! command -v psql >/dev/null 2>&1; then
            _pg_fail "psql is not installed"
            return 1
        fi
        if ! _pg_probe "$EARLYHELP_PG_ADMIN_URL"; then
            _pg_fail "EARLYHELP_PG_ADMIN_URL does not work: ${_EARLYHELP_PG_LAST_ERROR:-unknown error}"
            return 1
        fi
        export EARLYHELP_PG_ADMIN_URL
        return 0
    fi

    _pg_install_missing || return 1
    _pg_start_server || return 1
    _pg_choose_admin_url || return 1
    _pg_log "EARLYHELP_PG_ADMIN_URL=$(_pg_redact "$EARLYHELP_PG_ADMIN_URL")"
}

# Make PostgreSQL usable on 127.0.0.1:5432 and export EARLYHELP_PG_ADMIN_URL.
# Serialised with a lock file so that concurrent scripts do not race to
# install or start the server.
ensure_postgres() {
    local lock_file="${TMPDIR:-/tmp}/earlyhelp-postgres.lock"
    local lock_fd="" rc=0

    if command -v flock >/dev/null 2>&1 && { exec {lock_fd}>>"$lock_file"; } 2>/dev/null; then
        if ! flock -n "$lock_fd"; then
            _pg_log "waiting for another ensure_postgres to finish ($lock_file)"
        fi
        if ! flock -w 600 "$lock_fd"; then
            exec {lock_fd}>&-
            _pg_fail "timed out waiting for $lock_file (another ensure_postgres is running)"
            return 1
        fi
        _EARLYHELP_PG_LOCK_FD=$lock_fd
    else
        lock_fd=""
        _pg_log "warning: running without a lock (flock unavailable or $lock_file not writable)"
    fi

    if _ensure_postgres_locked; then rc=0; else rc=$?; fi

    _EARLYHELP_PG_LOCK_FD=""
    if [[ -n "$lock_fd" ]]; then
        exec {lock_fd}>&-
    fi
    return "$rc"
}

# Percent-encode one URL path segment.
_pg_urlencode() {
    local LC_ALL=C
    local s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case "$c" in
            [A-Za-z0-9._~-]) out+=$c ;;
            *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    printf '%s' "$out"
}

# pg_url_for_db NAME: print EARLYHELP_PG_ADMIN_URL with the database replaced by NAME.
pg_url_for_db() {
    local name=${1:-}
    local url=${EARLYHELP_PG_ADMIN_URL:-}
    local query="" base scheme rest authority

    if [[ -z "$name" ]]; then
        _pg_fail "usage: pg_url_for_db NAME"
        return 1
    fi
    if [[ -z "$url" ]]; then
        _pg_fail "pg_url_for_db: EARLYHELP_PG_ADMIN_URL is not set (call ensure_postgres first)"
        return 1
    fi
    if [[ "$url" != *://* ]]; then
        _pg_fail "pg_url_for_db: EARLYHELP_PG_ADMIN_URL is not a URL"
        return 1
    fi

    base=$url
    if [[ "$base" == *\?* ]]; then
        query="?${base#*\?}"
        base=${base%%\?*}
    fi
    scheme=${base%%://*}
    rest=${base#*://}
    authority=${rest%%/*}
    printf '%s://%s/%s%s\n' "$scheme" "$authority" "$(_pg_urlencode "$name")" "$query"
}

# The login role the server connects as: it owns nothing and holds only what
# the migrations grant the group role earlyhelp_app. A development credential
# for a loopback-only server.
_EARLYHELP_PG_SERVING_ROLE=earlyhelp_server
_EARLYHELP_PG_SERVING_PASSWORD=earlyhelp_server

# pg_ensure_serving_role: create (or update) the serving login role through
# EARLYHELP_PG_ADMIN_URL. Run it after `earlyhelp migrate`, which makes
# earlyhelp_app.
pg_ensure_serving_role() {
    if [[ -z "${EARLYHELP_PG_ADMIN_URL:-}" ]]; then
        _pg_fail "pg_ensure_serving_role: EARLYHELP_PG_ADMIN_URL is not set (call ensure_postgres first)"
        return 1
    fi
    psql -X -w -q -v ON_ERROR_STOP=1 "$EARLYHELP_PG_ADMIN_URL" >&2 <<SQL
SET password_encryption = 'scram-sha-256';
DO \$do\$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$_EARLYHELP_PG_SERVING_ROLE') THEN
        ALTER ROLE $_EARLYHELP_PG_SERVING_ROLE WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$_EARLYHELP_PG_SERVING_PASSWORD';
    ELSE
        CREATE ROLE $_EARLYHELP_PG_SERVING_ROLE WITH LOGIN PASSWORD '$_EARLYHELP_PG_SERVING_PASSWORD';
    END IF;
END
\$do\$;
GRANT earlyhelp_app TO $_EARLYHELP_PG_SERVING_ROLE;
SQL
}

# pg_serving_url_for_db NAME: the serving role's URL to database NAME, on the
# server and with the query string of EARLYHELP_PG_ADMIN_URL.
pg_serving_url_for_db() {
    local url scheme rest
    url=$(pg_url_for_db "${1:-}") || return 1
    scheme=${url%%://*}
    rest=${url#*://}
    if [[ "${rest%%/*}" == *@* ]]; then
        rest=${rest#*@}
    fi
    printf '%s://%s:%s@%s\n' "$scheme" "$_EARLYHELP_PG_SERVING_ROLE" "$_EARLYHELP_PG_SERVING_PASSWORD" "$rest"
}
