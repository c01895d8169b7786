#!/usr/bin/env bash
# Entrypoint of dockyard.local/postgres:15.
#
# Environment (same names as the official postgres image):
#   POSTGRES_PASSWORD        superuser password (required unless POSTGRES_HOST_AUTH_METHOD=trust)
#   POSTGRES_USER            superuser name (default postgres)
#   POSTGRES_DB              database created at first start (default: POSTGRES_USER)
#   POSTGRES_INITDB_ARGS     extra initdb arguments
#   POSTGRES_HOST_AUTH_METHOD  pg_hba method for TCP clients (default scram-sha-256)
#   PGDATA                   data directory (default /var/lib/postgresql/data)
# An empty data directory is initialised once: initdb, then a server that only listens
# on its unix socket runs /docker-entrypoint-initdb.d/* (*.sh, *.sql, *.sql.gz, in sorted
# order), stops, and the real server starts.
set -Eeuo pipefail

note() { printf '%s [entrypoint] %s\n' "$(date '+%F %T')" "$*" >&2; }
fail() { note "error: $*"; exit 1; }

# `docker run IMAGE -c fsync=off` means `postgres -c fsync=off`.
if [ "$#" -eq 0 ] || [ "${1:0:1}" = '-' ]; then
    set -- postgres "$@"
fi

if [ "$1" != postgres ]; then
    exec "$@"
fi

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

# As root: make the directories the server's, then run this script again as postgres.
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
    chmod 0700 "$PGDATA"
    chmod 3777 /var/run/postgresql
    export HOME=/var/lib/postgresql
    exec setpriv --reuid=postgres --regid=postgres --init-groups -- "${BASH_SOURCE[0]}" "$@"
fi

first_start() {
    local user="${POSTGRES_USER:-postgres}"
    local db="${POSTGRES_DB:-$user}"
    local method="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
    local password="${POSTGRES_PASSWORD:-}"

    if [ -z "$password" ] && [ "$method" != trust ]; then
        fail "the database is uninitialized and POSTGRES_PASSWORD is not set;
  set POSTGRES_PASSWORD to a non-empty value for the superuser '$user'
  (or POSTGRES_HOST_AUTH_METHOD=trust to allow every connection without a password)"
    fi

    mkdir -p "$PGDATA"
    chmod 0700 "$PGDATA" 2>/dev/null || true

    local -a initdb_args=(--username="$user" --auth-local=trust --auth-host="$method")
    local pwfile=""
    if [ -n "$password" ]; then
        pwfile="$(mktemp)"
        printf '%s\n' "$password" >"$pwfile"
        initdb_args+=(--pwfile="$pwfile")
    fi
    local -a extra=()
    read -r -a extra <<<"${POSTGRES_INITDB_ARGS:-}"
    note "initdb for superuser '$user' in $PGDATA"
    local status=0
    initdb "${initdb_args[@]}" "${extra[@]}" || status=$?
    [ -z "$pwfile" ] || rm -f "$pwfile"
    [ "$status" -eq 0 ] || fail "initdb failed (exit $status)"

    # TCP clients authenticate with a password; loopback and the socket are trusted.
    {
        echo "# written by the dockyard entrypoint at first start"
        echo "local all         all                  trust"
        echo "local replication all                  trust"
        echo "host  all         all   127.0.0.1/32   trust"
        echo "host  all         all   ::1/128        trust"
        echo "host  all         all   all            $method"
        echo "host  replication all   all            $method"
    } >"$PGDATA/pg_hba.conf"

    note "starting a socket-only server for initialisation"
    pg_ctl -D "$PGDATA" -w -t 60 -o "-c listen_addresses='' -p ${PGPORT:-5432}" start

    export PGUSER="$user" PGPASSWORD="$password"
    local -a psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password)
    if [ "$db" != postgres ]; then
        "${psql[@]}" --dbname postgres --set db="$db" <<'SQL'
SELECT format('CREATE DATABASE %I', :'db')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
    fi
    export PGDATABASE="$db"

    local script
    while IFS= read -r -d '' script; do
        case "$script" in
            *.sh)
                if [ -x "$script" ]; then
                    note "running $script"
                    "$script"
                else
                    note "sourcing $script"
                    # shellcheck disable=SC1090
                    . "$script"
                fi
                ;;
            *.sql)    note "running $script"; "${psql[@]}" -f "$script" ;;
            *.sql.gz) note "running $script"; gzip -dc "$script" | "${psql[@]}" ;;
            *)        note "ignoring $script" ;;
        esac
    done < <(find /docker-entrypoint-initdb.d -mindepth 1 -maxdepth 1 \( -type f -o -type l \) -print0 | LC_ALL=C sort -z)

    unset PGPASSWORD PGUSER PGDATABASE
    note "stopping the initialisation server"
    pg_ctl -D "$PGDATA" -m fast -w stop
    note "PostgreSQL init process complete; ready for start up."
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    first_start
else
    note "database directory $PGDATA already initialised; skipping initialisation"
fi

exec "$@"
