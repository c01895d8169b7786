"""testcontainers-python's container methods that Dockyard's own API spells otherwise.

Mixed into ``DockerContainer``: ``status``, ``reload()``, ``wait()``, ``get_container_id()``,
``get_container_info()`` and ``with_env_file()``, with upstream's meaning.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Self

from ._compat_inspect import ContainerInspectInfo
from ._errors import ConfigurationError

if TYPE_CHECKING:
    from ._running import RunningContainer

__all__ = ["TestcontainersMethods", "read_env_file"]

_ENV_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$")


def read_env_file(path: str | os.PathLike[str]) -> dict[str, str]:
    """``KEY=value`` lines of a .env file: ``export``, quotes and comments as dotenv has them."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"Cannot read the env file {source}: {exc}.") from exc
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _ENV_LINE.match(line)
        if match is None:
            raise ConfigurationError(
                f"{source}:{number}: {raw!r} is not KEY=value; fix the line or remove it."
            )
        key, value = match.group(1), match.group(2).strip()
        if value[:1] in ("'", '"') and value.count(value[0]) >= 2:
            quote = value[0]
            value = value[1 : value.index(quote, 1)]
            if quote == '"':
                value = value.replace("\\n", "\n").replace('\\"', '"')
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
        values[key] = value
    return values


class TestcontainersMethods:
    """The part of testcontainers-python's ``DockerContainer`` API with no Dockyard spelling."""

    __test__ = False
    _running: RunningContainer | None

    if TYPE_CHECKING:  # DockerContainer's, used here

        def with_env(self, key: str, value: str | int | float | bool) -> Self: ...

        @property
        def running(self) -> RunningContainer: ...

    def with_env_file(self, env_file: str | os.PathLike[str]) -> Self:
        """Every ``KEY=value`` of a .env file as an environment variable."""
        for key, value in read_env_file(env_file).items():
            self.with_env(key, value)
        return self

    @property
    def status(self) -> str:
        """``not_started`` before start(), else the engine's state (``running``, ``exited``)."""
        if self._running is None:
            return "not_started"
        return self._running.status

    def reload(self) -> None:
        """Read the container's state from the engine again (nothing before start())."""
        if self._running is not None:
            self._running.reload()

    def wait(self) -> int:
        """Block until the container exits; its exit code."""
        running = self.running
        return running.engine.wait_container(running.id)

    def get_container_id(self) -> str:
        return self.running.id

    def get_container_info(self) -> ContainerInspectInfo | None:
        """The engine's inspect data by attribute (fresh at each call), None before start()."""
        if self._running is None:
            return None
        return ContainerInspectInfo.from_dict(self._running.reload())
