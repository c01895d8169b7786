"""Finding Docker Compose v2 and running its commands.

The plugin binary is run directly (``docker-compose up …``, Compose's standalone mode)
when it is found where the docker CLI looks for plugins, so there is one process per
command and nothing between it and its death signal (below). Otherwise ``docker compose``
through the CLI, or the binary that ``DOCKYARD_COMPOSE_PLUGIN`` (or
``dockyard.compose.plugin`` in ~/.testcontainers.properties) names.

Every command gets the engine the session uses (DOCKER_HOST from Dockyard's configuration,
which may come from the properties file) and, on Linux, dies with the process that started
it: a test process killed in the middle of ``up`` must not leave a compose behind that
creates containers after the reaper has cleaned up.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dockyard.core import load_config

from ._errors import ComposeNotFoundError

PLUGIN_ENV = "DOCKYARD_COMPOSE_PLUGIN"
PLUGIN_PROPERTY = "dockyard.compose.plugin"
PLUGIN_NAME = "docker-compose"
# Where the docker CLI looks for plugins after the user's own directory (cli-plugins/manager).
SYSTEM_PLUGIN_DIRS = (
    "/usr/local/lib/docker/cli-plugins",
    "/usr/local/libexec/docker/cli-plugins",
    "/usr/lib/docker/cli-plugins",
    "/usr/libexec/docker/cli-plugins",
)
VERSION_TIMEOUT = 30.0

INSTALL_HINT = (
    "Install the Docker Compose v2 CLI plugin: in a Dockyard checkout run "
    "tools/bootstrap/compose.sh (it builds the pinned version once from the Go module proxy), "
    "or install your platform's docker-compose-plugin package, or put a docker-compose v2 "
    "binary in ~/.docker/cli-plugins/ or /usr/local/lib/docker/cli-plugins/. A binary "
    f"elsewhere: point {PLUGIN_ENV} (or {PLUGIN_PROPERTY} in ~/.testcontainers.properties) "
    "at it."
)


def plugin_dirs() -> list[Path]:
    """The docker CLI's plugin directories, in its order."""
    config = os.environ.get("DOCKER_CONFIG") or str(Path.home() / ".docker")
    return [Path(config) / "cli-plugins", *(Path(d) for d in SYSTEM_PLUGIN_DIRS)]


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


@cache
def _death_signal_prefix() -> tuple[str, ...]:
    """``setpriv --pdeathsig KILL --`` where it works (util-linux on Linux), else nothing."""
    setpriv = shutil.which("setpriv")
    if not sys.platform.startswith("linux") or setpriv is None:
        return ()
    prefix = (setpriv, "--pdeathsig", "KILL", "--")
    try:
        probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return prefix if probe.returncode == 0 else ()


def _writable(directory: Path) -> bool:
    """Whether ``directory`` can be written or made (its nearest existing ancestor can)."""
    for candidate in (directory, *directory.parents):
        if candidate.exists():
            return os.access(candidate, os.W_OK)
    return False


def compose_environment() -> dict[str, str]:
    """The environment for compose: the caller's, with the engine Dockyard is configured for."""
    env = dict(os.environ)
    docker_host = load_config().docker_host
    if docker_host:
        env["DOCKER_HOST"] = docker_host
    if "BUILDX_CONFIG" not in env:
        # `build` records its builds under the docker CLI's config directory, which a test
        # sandbox (Bazel's) may mount read-only; the build then fails on that alone.
        config = Path(env.get("DOCKER_CONFIG") or Path.home() / ".docker")
        if not _writable(config / "buildx"):
            scratch = Path(tempfile.gettempdir()) / f"dockyard-buildx-{os.getuid()}"
            env["BUILDX_CONFIG"] = str(scratch)
    return env


@dataclass(frozen=True)
class ComposeCli:
    """One way to run Compose v2: the argv prefix of its commands, and its version."""

    prefix: tuple[str, ...]
    version: str

    def run(
        self,
        args: Sequence[str],
        *,
        cwd: str | os.PathLike[str],
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        """Run one command to its end, output captured; the caller judges the exit code.

        An interrupt (or a timeout) kills the command before it propagates.
        """
        return subprocess.run(
            [*_death_signal_prefix(), *self.prefix, *args],
            cwd=cwd,
            env=dict(env) if env is not None else compose_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )


def _probe(prefix: tuple[str, ...], origin: str) -> ComposeCli:
    """The CLI at ``prefix`` if it runs and is Compose v2; else ComposeNotFoundError."""
    try:
        result = subprocess.run(
            [*prefix, "version", "--format", "json"],
            env=compose_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=VERSION_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ComposeNotFoundError(
            f"Docker Compose ({origin}: {' '.join(prefix)}) cannot be run: {exc}. {INSTALL_HINT}"
        ) from exc
    said = (result.stderr + result.stdout).decode(errors="replace")
    version = ""
    if result.returncode == 0:
        try:
            version = str(json.loads(result.stdout).get("version", ""))
        except (ValueError, AttributeError):
            version = ""
    major = version.lstrip("v").split(".")[0]
    if not major.isdigit() or int(major) < 2:
        raise ComposeNotFoundError(
            f"{' '.join(prefix)} ({origin}) is not Docker Compose v2 (`version --format json` "
            f"gave {version or 'no version'}). {INSTALL_HINT}",
            compose_output=said,
        )
    return ComposeCli(prefix, version)


_found: dict[tuple[str, ...], ComposeCli] = {}
_lock = threading.Lock()


def find_compose(docker_command_path: str | None = None) -> ComposeCli:
    """The Compose v2 to run (checked once per process and place), or ComposeNotFoundError.

    ``docker_command_path`` is testcontainers-python's: a docker CLI to run ``compose`` with.
    """
    configured = load_config().get(PLUGIN_PROPERTY, PLUGIN_ENV)
    dirs = plugin_dirs()
    key = (docker_command_path or "", configured or "", *map(str, dirs))
    with _lock:
        if key in _found:
            return _found[key]
    found = _locate(docker_command_path, configured, dirs)
    with _lock:
        return _found.setdefault(key, found)


def _locate(
    docker_command_path: str | None, configured: str | None, dirs: list[Path]
) -> ComposeCli:
    if docker_command_path:
        return _probe((docker_command_path, "compose"), "docker_command_path")
    if configured:
        path = Path(configured).expanduser()
        if not _executable(path):
            raise ComposeNotFoundError(
                f"{PLUGIN_ENV}={configured} is not an executable file; point it at a "
                f"docker-compose v2 binary, or unset it. {INSTALL_HINT}"
            )
        return _probe((str(path),), PLUGIN_ENV)
    for directory in dirs:
        candidate = directory / PLUGIN_NAME
        if _executable(candidate):
            return _probe((str(candidate),), "docker CLI plugin")
    docker = shutil.which("docker")
    if docker is not None:
        # The CLI may know more plugin directories (cliPluginsExtraDirs in its config.json).
        try:
            return _probe((docker, "compose"), "docker CLI")
        except ComposeNotFoundError:
            pass
    searched = ", ".join(str(d) for d in dirs)
    raise ComposeNotFoundError(
        f"Docker Compose v2 was not found (no {PLUGIN_NAME} in {searched}, and "
        f"`docker compose` {'does not work' if docker else 'has no docker CLI'}). {INSTALL_HINT}"
    )
