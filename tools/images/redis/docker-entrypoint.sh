#!/usr/bin/env bash
# Entrypoint of dockyard.local/redis:7.
#   docker run IMAGE                                 -> redis-server with the container defaults
#   docker run IMAGE redis-server --requirepass x    -> the same, plus the given options
#   docker run IMAGE --maxmemory 10mb                -> options alone go to redis-server
#   docker run IMAGE redis-server /path/redis.conf   -> the config file stays first
# The defaults come before the caller's options, so the caller's options win.
set -euo pipefail

if [ "$#" -eq 0 ] || [ "${1:0:1}" = '-' ] || [[ "$1" == *.conf ]]; then
    set -- redis-server "$@"
fi

if [ "$1" = redis-server ]; then
    shift
    declare -a config=()
    if [ "$#" -gt 0 ] && [ "${1:0:1}" != '-' ]; then
        config=("$1")   # a config file (or "-" for stdin) must be the first argument
        shift
    fi
    set -- redis-server "${config[@]}" --protected-mode no --bind 0.0.0.0 "$@"

    # Run as the redis user; /data (the working directory) is where dumps go.
    if [ "$(id -u)" = 0 ]; then
        find . \! -user redis -exec chown redis:redis '{}' + 2>/dev/null || true
        exec setpriv --reuid=redis --regid=redis --init-groups -- "$@"
    fi
fi

exec "$@"
