# Shared helpers for the bootstrap scripts (sourced, not run).

say() { printf '[dockyard] %s\n' "$*" >&2; }

die() { say "error: $*"; exit 1; }

# Runs an apt command quietly; on failure shows what apt said and stops.
apt_quietly() {
    local log
    log="$(mktemp)"
    if ! DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 "$@" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        rm -f "$log"
        die "'$*' failed (its last lines are above)"
    fi
    rm -f "$log"
}

# apt-get install of the named Debian packages that are not installed yet. The package
# lists are refreshed first unless that happened within the hour (each bootstrap script is
# its own process, so the lists' age is what they share).
apt_ensure() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing Debian packages ${missing[*]}; run as root or install them"
    if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -60 2>/dev/null | head -1)" ]; then
        say "apt-get update"
        apt_quietly apt-get update
    fi
    say "installing ${missing[*]}"
    apt_quietly apt-get install -y --no-install-recommends "${missing[@]}"
}
