#!/usr/bin/env bash
# Regenerates requirements.lock (hashed, --require-hashes ready) from requirements.in.
# Bazel installs the lock on Debian's /usr/bin/python3; keep markers in mind (3.11.2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
venv="$(mktemp -d)/venv"
/usr/bin/python3 -m venv "$venv"
"$venv/bin/pip" install --quiet pip-tools
"$venv/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras --no-header \
    --output-file requirements.lock requirements.in
