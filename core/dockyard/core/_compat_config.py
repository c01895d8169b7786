"""testcontainers-python's ``testcontainers_config``: settings as a mutable object.

Suites written for testcontainers-python set ``testcontainers_config.ryuk_disabled = True`` or
monkeypatch ``max_tries`` in fixtures. Here every attribute reads Dockyard's current
configuration (environment, ~/.testcontainers.properties) and an assignment becomes a setting
made in code, which wins over both for the whole process; assigning back what the environment
says (as monkeypatch's undo does) drops it again.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from ._config import (
    DEFAULT_RYUK_IMAGE,
    TC_MAX_TRIES,
    TC_SLEEP_TIME,
    load_config,
    read_properties,
    set_override,
)
from ._errors import ConfigurationError

__all__ = ["ConnectionMode", "TestcontainersConfiguration", "testcontainers_config"]


class ConnectionMode(Enum):
    """How the test process reaches containers (testcontainers-python's names)."""

    bridge_ip = "bridge_ip"
    gateway_ip = "gateway_ip"
    docker_host = "docker_host"

    @property
    def use_mapped_port(self) -> bool:
        return self is not ConnectionMode.bridge_ip


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, ConnectionMode):
        return value.value
    return str(value)


class _Setting:
    """An attribute backed by one configuration key (with the environment variable it has)."""

    def __init__(self, prop: str, env: str | None, read: Any, default: Any = None) -> None:
        self.prop, self.env, self.read, self.default = prop, env, read, default

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = load_config().get(self.prop, self.env)
        return self.default if value is None else self.read(value)

    def __set__(self, instance: object, value: Any) -> None:
        configured = load_config().get_configured(self.prop, self.env)
        text = None if value is None else _text(value)
        unchanged = text == configured or (configured is None and value == self.default)
        set_override(self.prop, None if unchanged else text)


def _bool(value: str) -> bool:
    return value.strip().lower() in ("yes", "true", "t", "y", "1", "on")


def _mode(value: str) -> ConnectionMode:
    try:
        return ConnectionMode(value)
    except ValueError:
        raise ConfigurationError(
            f"connection mode {value!r} is not one of bridge_ip, gateway_ip, docker_host"
        ) from None


class TestcontainersConfiguration:
    """testcontainers-python's settings object; ``testcontainers_config`` is the instance."""

    __test__ = False  # not a test class, whatever pytest's name rules think

    max_tries = _Setting("tc.max.tries", "TC_MAX_TRIES", int, TC_MAX_TRIES)
    sleep_time = _Setting("tc.pooling.interval", "TC_POOLING_INTERVAL", float, TC_SLEEP_TIME)
    ryuk_image = _Setting("ryuk.container.image", "RYUK_CONTAINER_IMAGE", str, DEFAULT_RYUK_IMAGE)
    ryuk_privileged = _Setting("ryuk.container.privileged", None, _bool, False)
    ryuk_disabled = _Setting("ryuk.disabled", None, _bool, False)
    ryuk_docker_socket = _Setting("docker.socket.override", None, str, "/var/run/docker.sock")
    ryuk_reconnection_timeout = _Setting(
        "ryuk.reconnection.timeout", "RYUK_RECONNECTION_TIMEOUT", str, "10s"
    )
    docker_auth_config = _Setting("docker.auth.config", "DOCKER_AUTH_CONFIG", str)
    tc_host_override = _Setting("host.override", "TC_HOST", str)
    connection_mode_override = _Setting("connection.mode", "TESTCONTAINERS_CONNECTION_MODE", _mode)
    hub_image_name_prefix = _Setting(
        "hub.image.name.prefix", "TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX", str, ""
    )

    @property
    def timeout(self) -> float:
        """How long a wait lasts: ``max_tries * sleep_time`` (read-only, as upstream)."""
        return float(self.max_tries * self.sleep_time)

    @property
    def tc_properties(self) -> dict[str, str]:
        return read_properties()

    def tc_properties_get_tc_host(self) -> str | None:
        return self.tc_properties.get("tc.host")

    def __repr__(self) -> str:
        return f"TestcontainersConfiguration(timeout={self.timeout:g})"


testcontainers_config = TestcontainersConfiguration()
