#!/usr/bin/env bash
# Makes sure a Docker engine answers. Quiet when one already does; otherwise installs
# Debian's docker.io if needed, starts dockerd in the background and waits for its API.
# An engine it did not start is never reconfigured.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

engine_answers() { docker info >/dev/null 2>&1; }

engine_answers && exit 0

if [ -n "${DOCKER_HOST:-}" ] && [[ "${DOCKER_HOST}" != unix://* ]]; then
    die "DOCKER_HOST=${DOCKER_HOST} does not answer; start that engine (Dockyard only starts a local one)"
fi

command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1 || apt_ensure docker.io
apt_ensure iptables ca-certificates

if pgrep -x dockerd >/dev/null 2>&1; then
    say "dockerd is running but not answering yet; waiting"
else
    log=/tmp/dockyard-dockerd.log
    say "starting dockerd (log: $log)"
    setsid nohup dockerd >"$log" 2>&1 </dev/null &
fi

for _ in $(seq 1 120); do
    engine_answers && { say "engine ready: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"; exit 0; }
    sleep 0.5
done
die "the Docker engine did not answer within 60 s; see /tmp/dockyard-dockerd.log"
