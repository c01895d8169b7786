# Shared helpers for the bootstrap scripts (sourced, not run).

say() { printf '[dockyard] %s\n' "$*" >&2; }

die() { say "error: $*"; exit 1; }

# apt-get install of the named Debian packages that are not installed yet; runs
# `apt-get update` once per invocation, only when something is missing.
apt_ensure() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing Debian packages ${missing[*]}; run as root or install them"
    if [ -z "${DOCKYARD_APT_UPDATED:-}" ]; then
        say "apt-get update"
        apt-get update -qq >/dev/null || die "apt-get update failed: is the Debian archive reachable?"
        export DOCKYARD_APT_UPDATED=1
    fi
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || die "apt-get install ${missing[*]} failed"
}
