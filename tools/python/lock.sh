#!/usr/bin/env bash
# Regenerates the hashed (--require-hashes ready) lock files:
#   requirements.lock         current: keeps its pins, adds what requirements.in gained
#   requirements-lowest.lock  every requirement of requirements.in at its lower bound
#   requirements-newest.lock  the newest versions requirements.in allows, resolved afresh
#   packaging.lock            the build frontend, backend and twine (packaging.in)
# Usage: tools/python/lock.sh [current|lowest|newest|packaging]...   (default: all four)
# Bazel installs the locks on Debian's /usr/bin/python3; keep markers in mind (3.11.2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
/usr/bin/python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet pip-tools packaging

# --no-emit-find-links: a machine's pip configuration (find-links directories) stays out.
compile() {
    local output="$1"
    shift
    "$scratch/venv/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras \
        --no-header --no-emit-find-links "$@" --output-file "$output"
}

locks=("$@")
[[ ${#locks[@]} -gt 0 ]] || locks=(current lowest newest packaging)
for lock in "${locks[@]}"; do
    case "$lock" in
        current) compile requirements.lock requirements.in ;;
        newest) compile requirements-newest.lock --upgrade requirements.in ;;
        lowest)
            "$scratch/venv/bin/python" lower_bounds.py requirements.in >"$scratch/lowest.txt"
            compile requirements-lowest.lock --upgrade --constraint "$scratch/lowest.txt" \
                requirements.in
            ;;
        packaging) compile packaging.lock packaging.in ;;
        *)
            echo "unknown lock '$lock': choose current, lowest, newest or packaging" >&2
            exit 2
            ;;
    esac
    echo "locked: $lock"
done
