#!/usr/bin/env bash
# Makes sure Debian's Bazel 4.2.3 and the rule sets the WORKSPACE points at are installed,
# with the Python interpreter (and pip) that every Bazel target runs on.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# python3-venv: the install test (tests/install) makes a fresh virtual environment.
apt_ensure bazel-bootstrap bazel-skylib bazel-platforms bazel-rules-java python3 python3-pip python3-venv
