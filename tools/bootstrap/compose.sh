#!/usr/bin/env bash
# Makes sure the Docker Compose v2 CLI plugin (what `docker compose` runs, and what
# dockyard-compose drives) is installed at the pinned version. No registry serves a built
# plugin here, so it is built once from its Go module (the Go module proxy) and kept in a
# cache keyed by version; later runs only check the installed binary's version.
#
#   DOCKYARD_COMPOSE_VERSION     the version to install (default below)
#   DOCKYARD_COMPOSE_PLUGIN_DIR  where to install docker-compose (default: the docker CLI's
#                                system plugin directory as root, else ~/.docker/cli-plugins)
#   DOCKYARD_CACHE_DIR           the build cache (default: ~/.cache/dockyard)
#
# Outside this script, dockyard-compose finds the plugin in the docker CLI's plugin
# directories, or wherever DOCKYARD_COMPOSE_PLUGIN points.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HOME="${HOME:-$(cd ~ && pwd)}"
version="${DOCKYARD_COMPOSE_VERSION:-v2.40.3}"
[[ "$version" == v* ]] || version="v$version"
module=github.com/docker/compose/v2

if [ -n "${DOCKYARD_COMPOSE_PLUGIN_DIR:-}" ]; then
    plugin_dir="$DOCKYARD_COMPOSE_PLUGIN_DIR"
elif [ "$(id -u)" -eq 0 ]; then
    # The system directory does not depend on HOME, which test sandboxes change.
    plugin_dir=/usr/local/lib/docker/cli-plugins
else
    plugin_dir="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
fi
plugin="$plugin_dir/docker-compose"
cache_dir="${DOCKYARD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dockyard}/compose/$version"
cached="$cache_dir/docker-compose"

# "v2.40.3" when the binary at $1 runs and is that version, else nothing.
version_of() {
    [ -x "$1" ] || return 0
    local short
    short="$("$1" version --short 2>/dev/null)" || return 0
    printf 'v%s\n' "${short#v}"
}

[ "$(version_of "$plugin")" = "$version" ] && exit 0

install_plugin() {
    mkdir -p "$plugin_dir"
    install -m 0755 "$cached" "$plugin.new.$$"
    mv -f "$plugin.new.$$" "$plugin"
    say "Docker Compose $version installed as $plugin"
}

mkdir -p "$cache_dir"
# Two setups at once build once: the second waits here, then finds the cached binary.
exec 9>"$cache_dir/.lock"
flock 9

if [ "$(version_of "$cached")" = "$version" ]; then
    install_plugin
    exit 0
fi

command -v go >/dev/null 2>&1 \
    || die "building Docker Compose $version needs the Go toolchain (go on PATH), which this kind of machine ships; or install a docker-compose $version binary as $plugin"

say "building Docker Compose $version from its Go module (once per version; about 3 minutes on 2 cores)"
started=$SECONDS
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# `go install module/cmd@version` refuses this module (its go.mod has exclude directives),
# so fetch the module itself and build it as the main module, from a writable copy (the
# module cache is read-only).
(cd "$work" && GO111MODULE=on GOFLAGS=-mod=mod go mod download -json "$module@$version") >"$work/module.json" \
    || die "the Go module proxy did not give $module@$version: $(cat "$work/module.json")"
source_dir="$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["Dir"])' "$work/module.json")"
cp -r "$source_dir" "$work/src"
chmod -R u+w "$work/src"

log="$work/build.log"
# -s -w: no symbol tables (a third smaller); the version string is what `version` prints.
# Its own build cache, removed with the work directory: a gigabyte nothing else reuses.
if ! (cd "$work/src" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOCACHE="$work/go-build" go build -trimpath \
        -ldflags "-s -w -X $module/internal.Version=$version" -o "$work/docker-compose" ./cmd) \
        >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "go build of Docker Compose $version failed (its last lines are above)"
fi
[ "$(version_of "$work/docker-compose")" = "$version" ] \
    || die "the Docker Compose binary built from $module@$version does not report $version"
install -m 0755 "$work/docker-compose" "$cached.new"
mv -f "$cached.new" "$cached"
say "built Docker Compose $version in $((SECONDS - started)) s (cached in $cache_dir)"
install_plugin
