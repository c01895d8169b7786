"""testcontainers-python's small helpers (``testcontainers.core.utils``), for migrated code."""

from __future__ import annotations

import logging
import platform
from pathlib import Path
from typing import Any

from ._host import route_gateways

__all__ = [
    "default_gateway_ip",
    "get_running_in_container_id",
    "inside_container",
    "is_arm",
    "is_linux",
    "is_mac",
    "is_windows",
    "os_name",
    "raise_for_deprecated_parameter",
    "setup_logger",
]


def inside_container() -> bool:
    return Path("/.dockerenv").exists()


def os_name() -> str | None:
    name = platform.system().lower()
    return {"linux": "linux", "darwin": "mac", "windows": "win"}.get(name)


def is_mac() -> bool:
    return os_name() == "mac"


def is_linux() -> bool:
    return os_name() == "linux"


def is_windows() -> bool:
    return os_name() == "win"


def is_arm() -> bool:
    return platform.machine() in ("arm64", "aarch64")


def default_gateway_ip() -> str | None:
    gateways = route_gateways()
    return gateways[0] if gateways else None


def get_running_in_container_id() -> str | None:
    try:
        text = Path("/proc/self/cgroup").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in text.splitlines():
        if "/docker/" in line:
            return line.rsplit("/docker/", 1)[1].strip() or None
    return None


def raise_for_deprecated_parameter(
    kwargs: dict[str, Any], name: str, replacement: str
) -> dict[str, Any]:
    if kwargs.pop(name, None):
        raise ValueError(f"Use `{replacement}` instead of `{name}`")
    return kwargs


def setup_logger(name: str) -> logging.Logger:
    return logging.getLogger(name)
