#!/usr/bin/env bash
# Builds the local service images (a no-op when every recipe is unchanged).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

apt_ensure debootstrap python3 maven openjdk-17-jdk-headless
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/../images/build.py" "$@"
