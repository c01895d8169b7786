"""The project Dockyard makes of the user's compose files: its name, files and override.

Each environment gets a project name of its own, so two test processes (or two
environments in one) using the same file never share a container, network or volume.
Compose has no flag that labels everything it creates, so a generated override file, given
after the user's files, adds the session labels to every service (and the image it builds),
network and volume the files define; it also applies Dockyard's image substitution to the
images the services start. The reaper then removes the project after a crash like any
container of the session.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ._errors import ComposeFileError

#: The files compose reads when none is named (compose-go's lookup, in its order).
DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
DEFAULT_OVERRIDES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)
PROJECT_PREFIX = "dockyard"
_NOT_IN_NAME = re.compile(r"[^a-z0-9_-]+")


def new_project_name(context: Path) -> str:
    """``dockyard-<directory>-<random>``: valid for compose, unique per environment."""
    slug = _NOT_IN_NAME.sub("-", context.name.lower()).strip("-_")[:24] or "project"
    return f"{PROJECT_PREFIX}-{slug}-{uuid.uuid4().hex[:10]}"


def compose_files(context: Path, named: list[str] | None) -> list[str]:
    """The user's files as ``-f`` arguments: the named ones, or what compose would find.

    Naming the files is needed because the override is passed with ``-f`` too, which turns
    compose's own lookup off.
    """
    if named:
        missing = [name for name in named if not (context / name).is_file()]
        if missing:
            raise ComposeFileError(
                f"Compose file(s) {', '.join(missing)} not found in {context}; "
                "compose_file_name is relative to the context directory"
            )
        return list(named)
    from_env = os.environ.get("COMPOSE_FILE")
    if from_env:
        separator = os.environ.get("COMPOSE_PATH_SEPARATOR") or os.pathsep
        return [name for name in from_env.split(separator) if name]
    found = [name for name in DEFAULT_FILES if (context / name).is_file()]
    if not found:
        raise ComposeFileError(
            f"No compose file in {context} (looked for {', '.join(DEFAULT_FILES)}); pass "
            "compose_file_name=... or the directory that holds one"
        )
    overrides = [name for name in DEFAULT_OVERRIDES if (context / name).is_file()]
    return [found[0], *overrides[:1]]


def override(
    model: Mapping[str, Any],
    labels: Mapping[str, str],
    substitute: Callable[[str], str],
) -> dict[str, Any]:
    """The override for ``model`` (``docker compose config --format json`` output)."""
    services: dict[str, Any] = {}
    for name, service in (model.get("services") or {}).items():
        entry: dict[str, Any] = {"labels": dict(labels)}
        if service.get("build") is not None:
            # The image compose builds is the session's too, so the reaper removes it.
            entry["build"] = {"labels": dict(labels)}
        elif service.get("image"):
            image = str(service["image"])
            replaced = substitute(image)
            if replaced != image:
                entry["image"] = replaced
        services[name] = entry
    result: dict[str, Any] = {"services": services}
    for section in ("networks", "volumes"):
        own = {
            name: {"labels": dict(labels)}
            for name, item in (model.get(section) or {}).items()
            if not (item or {}).get("external")  # someone else's: not ours to label
        }
        if own:
            result[section] = own
    return result


def service_names(model: Mapping[str, Any]) -> list[str]:
    return sorted((model.get("services") or {}).keys())
