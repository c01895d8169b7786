#!/usr/bin/env bash
# A shell init script: the entrypoint sources it (or runs it when executable).
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -c "INSERT INTO init_log (step) VALUES ('10_shell.sh')"
