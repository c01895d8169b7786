"""Configuration from the environment and ~/.testcontainers.properties.

Never frozen at import: tests set an environment variable and expect the next container
to honour it. Environment variables are looked up when a setting is read; the properties
file is parsed again only when it changed (its size or modification time), so readiness
polls and host lookups never re-read it. Environment variables win over the properties
file, following Testcontainers: property ``a.b.c`` is also read from ``TESTCONTAINERS_A_B_C``.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ._errors import ConfigurationError

DEFAULT_RYUK_IMAGE = "testcontainers/ryuk:0.11.0"
DEFAULT_STARTUP_TIMEOUT = 60.0
PROPERTIES_FILE_NAME = ".testcontainers.properties"


class SharingMode(StrEnum):
    """Which containers are shared across processes: none, those asking
    (``with_sharing()``, the default), or also every module's service container."""

    OFF = "off"
    OPT_IN = "opt-in"
    SERVICES = "services"


DEFAULT_SHARING_GRACE = 10.0
# testcontainers-python's defaults: 120 tries, one second apart.
TC_MAX_TRIES = 120
TC_SLEEP_TIME = 1.0


class PullPolicy(StrEnum):
    """When to pull an image: only when it is missing locally, always, or never."""

    MISSING = "missing"
    ALWAYS = "always"
    NEVER = "never"


def properties_path() -> Path:
    # HOME is looked up each time because tests point it at a temporary directory.
    home = os.environ.get("HOME") or str(Path.home())
    return Path(home) / PROPERTIES_FILE_NAME


def parse_properties(text: str) -> dict[str, str]:
    """Parse the simple subset of Java .properties files that Testcontainers users write."""
    result: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#!":
            continue
        sep = min((i for i in (line.find("="), line.find(":")) if i >= 0), default=-1)
        if sep < 0:
            result[line] = ""
            continue
        result[line[:sep].strip()] = line[sep + 1 :].strip()
    return result


# Settings made in code (testcontainers-python's ``testcontainers_config`` attributes): they
# win over the environment and the file, for the whole process.
_overrides_lock = threading.Lock()
_overrides: dict[str, str] = {}


def set_override(prop: str, value: str | None) -> None:
    """Set (or, with None, drop) a setting made in code."""
    with _overrides_lock:
        if value is None:
            _overrides.pop(prop, None)
        else:
            _overrides[prop] = value


def override(prop: str) -> str | None:
    with _overrides_lock:
        return _overrides.get(prop)


_cache_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[int, int], dict[str, str]]] = {}


def read_properties() -> dict[str, str]:
    """The properties file's settings, parsed again only when the file changed."""
    path = properties_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigurationError(f"Cannot read {path}: {exc}. Fix or remove the file.") from exc
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == stamp:
            return dict(cached[1])
    try:
        values = parse_properties(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as exc:
        raise ConfigurationError(
            f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8 "
            "or remove the offending characters."
        ) from exc
    except OSError as exc:
        raise ConfigurationError(f"Cannot read {path}: {exc}. Fix or remove the file.") from exc
    with _cache_lock:
        _cache[path] = (stamp, values)
    return dict(values)


def env_name_for(prop: str) -> str:
    """``ryuk.container.image`` → ``TESTCONTAINERS_RYUK_CONTAINER_IMAGE``."""
    key = prop.removeprefix("testcontainers.")
    return "TESTCONTAINERS_" + key.upper().replace(".", "_")


def _parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ConfigurationError(f"{name}={value!r} is not a boolean; use true or false.")


def positive_seconds(name: str, value: object) -> float:
    """A positive number of seconds from a number, or from the text of a setting."""
    if isinstance(value, str):
        try:
            seconds = float(value)
        except ValueError:
            raise ConfigurationError(f"{name}={value!r} is not a number of seconds.") from None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise ConfigurationError(f"{name} must be a positive number of seconds, got {value!r}.")
    if not seconds > 0:  # also rejects NaN
        raise ConfigurationError(f"{name}={value!r} must be a positive number of seconds.")
    return seconds


@dataclass(frozen=True)
class Config:
    """A snapshot of the settings, taken by :func:`load_config` when they are needed."""

    values: dict[str, str]

    def get(self, prop: str, env: str | None = None) -> str | None:
        """Look a setting up: made in code, the explicit env name, TESTCONTAINERS_*, the file."""
        made_in_code = override(prop)
        if made_in_code is not None:
            return made_in_code
        return self.get_configured(prop, env)

    def get_configured(self, prop: str, env: str | None = None) -> str | None:
        """Like ``get``, ignoring settings made in code."""
        for name in (env, env_name_for(prop)):
            # Set but empty counts as unset (as the Docker CLI treats DOCKER_HOST=""), so
            # `--test_env=NAME` passthrough of an empty variable cannot hide the file's value.
            if name and os.environ.get(name):
                return os.environ[name]
        return self.values.get(prop)

    def _flag(self, prop: str, env: str | None = None) -> bool:
        value = self.get(prop, env)
        return _parse_bool(env or prop, value) if value is not None else False

    @property
    def docker_host(self) -> str | None:
        return self.get("docker.host", "DOCKER_HOST") or None

    @property
    def docker_socket_override(self) -> str | None:
        return self.get("docker.socket.override") or None

    @property
    def host_override(self) -> str | None:
        return self.get("host.override") or os.environ.get("TC_HOST") or None

    @property
    def ryuk_disabled(self) -> bool:
        return self._flag("ryuk.disabled")

    @property
    def ryuk_privileged(self) -> bool:
        return self._flag("ryuk.container.privileged")

    @property
    def ryuk_image(self) -> str:
        return self.get("ryuk.container.image", "RYUK_CONTAINER_IMAGE") or DEFAULT_RYUK_IMAGE

    @property
    def ryuk_reconnection_timeout(self) -> str | None:
        return self.get("ryuk.reconnection.timeout", "RYUK_RECONNECTION_TIMEOUT") or None

    @property
    def ryuk_connection_timeout(self) -> str | None:
        return self.get("ryuk.connection.timeout") or None

    @property
    def hub_image_name_prefix(self) -> str:
        return self.get("hub.image.name.prefix") or ""

    @property
    def image_substitutions(self) -> str:
        return self.get("dockyard.image.substitutions", "DOCKYARD_IMAGE_SUBSTITUTIONS") or ""

    @property
    def reuse_enabled(self) -> bool:
        return self._flag("testcontainers.reuse.enable")

    @property
    def pull_policy(self) -> PullPolicy:
        value = (self.get("pull.policy") or "missing").strip().lower()
        # Testcontainers-Java spells the default "default"; accept it as "missing".
        value = {"default": "missing", "if-not-present": "missing"}.get(value, value)
        try:
            return PullPolicy(value)
        except ValueError:
            raise ConfigurationError(
                f"pull.policy={value!r} is not one of missing, always, never."
            ) from None

    @property
    def sharing(self) -> SharingMode:
        value = (self.get("dockyard.sharing", "DOCKYARD_SHARING") or "opt-in").strip().lower()
        value = {"on": "opt-in", "true": "opt-in", "false": "off", "no": "off"}.get(value, value)
        try:
            return SharingMode(value)
        except ValueError:
            raise ConfigurationError(
                f"DOCKYARD_SHARING={value!r} is not one of off, opt-in, services."
            ) from None

    @property
    def sharing_grace(self) -> float:
        value = self.get("dockyard.sharing.grace", "DOCKYARD_SHARING_GRACE")
        if value is None:
            return DEFAULT_SHARING_GRACE
        return positive_seconds("DOCKYARD_SHARING_GRACE", value.removesuffix("s"))

    @property
    def startup_timeout(self) -> float:
        value = self.get("dockyard.startup.timeout", "DOCKYARD_STARTUP_TIMEOUT")
        if value is not None:
            return positive_seconds("DOCKYARD_STARTUP_TIMEOUT", value)
        # testcontainers-python's timeout (max_tries x sleep_time), when one was given.
        tries, sleep = (
            self.get("tc.max.tries", "TC_MAX_TRIES"),
            self.get("tc.pooling.interval", "TC_POOLING_INTERVAL"),
        )
        if tries is None and sleep is None:
            return DEFAULT_STARTUP_TIMEOUT
        return positive_seconds(
            "TC_MAX_TRIES x TC_POOLING_INTERVAL",
            float(tries or TC_MAX_TRIES) * float(sleep or TC_SLEEP_TIME),
        )

    @property
    def connection_mode(self) -> str | None:
        """testcontainers-python's connection mode: docker_host, gateway_ip or bridge_ip."""
        value = self.get("connection.mode", "TESTCONTAINERS_CONNECTION_MODE")
        if value is None:
            return None
        if value not in ("docker_host", "gateway_ip", "bridge_ip"):
            raise ConfigurationError(
                f"TESTCONTAINERS_CONNECTION_MODE={value!r} is not one of docker_host, "
                "gateway_ip, bridge_ip."
            )
        return value


def load_config() -> Config:
    """Read the current configuration (environment is consulted lazily by :class:`Config`)."""
    return Config(read_properties())
