#!/usr/bin/env bash
# What the engine selections (//tests/engines, docs/engines.md) need beside the main engine:
# Podman with its network stack (a second engine), openssl (the TLS engine's certificates),
# openssh-server (the ssh:// engine), ip and iptables (the TLS engine's bridge and rule).
# Nothing is started here: each test target starts and removes its own engine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

apt_ensure podman netavark aardvark-dns openssl openssh-server iproute2 iptables
