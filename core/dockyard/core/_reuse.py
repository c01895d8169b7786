"""Reusable containers: found again by a hash of their configuration, across processes.

Opt-in twice, as in Testcontainers: the container asks for it (``with_reuse()``) and the
environment allows it (``testcontainers.reuse.enable=true`` or
TESTCONTAINERS_REUSE_ENABLE=true). Reused containers carry no session label, so no
reaper removes them, and ``stop()`` leaves them running.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ._engine import Engine
from ._errors import ConfigurationError, ContainerStartupError, EngineError, NotFoundError
from ._inspect import EXITED_STATES, POLL, create_or_get, labels_of, status_of
from ._labels import LABEL_HASH


def reuse_name(digest: str) -> str:
    return f"dockyard-reuse-{digest[:24]}"


def find_reusable(engine: Engine, digest: str, label: str = LABEL_HASH) -> dict[str, Any] | None:
    # The list does not inspect each container, so it cannot trip over containers that
    # other processes remove meanwhile.
    found = engine.list_containers({"label": f"{label}={digest}"})
    found.sort(key=lambda c: c.get("State") != "running")
    for summary in found:
        try:
            return engine.inspect_container(str(summary["Id"]))
        except NotFoundError:
            continue
    return None


def find_or_create(
    engine: Engine,
    digest: str,
    name: str,
    create: Callable[[], str],
    timeout: float,
    label: str = LABEL_HASH,
) -> tuple[dict[str, Any], bool]:
    """Return (inspect data, created_by_us).

    A container of this configuration that exists already is used once it runs. One in
    state 'created' belongs to a process that is still attaching its networks and files:
    it is waited for (its creator starts it), never started here. A 409 on the
    deterministic name means another process is creating it right now, unless the name
    is held by a container of another configuration, which is a ConfigurationError.
    """
    deadline = time.monotonic() + timeout
    while True:
        attrs = find_reusable(engine, digest, label)
        if attrs is None:
            found = create_or_get(engine, name, create, deadline)
            if found is None:
                break
            attrs, created = found
            if created:
                return attrs, True
            _check_owner(attrs, digest, name, label)
        try:
            return _wait_until_running(engine, attrs, name, deadline), False
        except NotFoundError:
            pass  # its creator gave up and removed it: start over
        if time.monotonic() >= deadline:
            break
        time.sleep(POLL)
    raise ContainerStartupError(
        f"The container {name} kept disappearing for {timeout:g}s while other "
        "processes created and removed it; retry, or remove it with `docker rm -f`."
    )


def _check_owner(attrs: dict[str, Any], digest: str, name: str, label: str) -> None:
    held_by = labels_of(attrs).get(label)
    if held_by != digest:
        raise ConfigurationError(
            f"A container named {name!r} already exists but is not the container "
            f"of this configuration ({label}={held_by!r}, expected "
            f"{digest[:12]}...). Pick another with_name(), or remove it with "
            f"`docker rm -f {name}` if it is yours."
        )


def _wait_until_running(
    engine: Engine, attrs: dict[str, Any], name: str, deadline: float
) -> dict[str, Any]:
    """Wait (bounded) until the container runs; raises NotFoundError when it vanished."""
    ident = str(attrs["Id"])
    restarted = False
    while True:
        status = status_of(attrs)
        if status == "running":
            return attrs
        if status == "exited" and not restarted:
            # Complete but stopped (docker stop, an engine restart): run it again.
            restarted = True
            try:
                engine.start_container(ident)
            except NotFoundError:
                raise
            except EngineError:
                pass  # another process started it at the same moment
        elif status in EXITED_STATES:
            state = attrs.get("State") or {}
            raise ContainerStartupError(
                f"The reusable container {name} exited; remove it with `docker rm -f {name}` "
                "and retry",
                exit_code=state.get("ExitCode"),
                logs=engine.logs(ident, tty=False, tail=50).decode(errors="replace").rstrip(),
                container_id=ident,
            )
        if time.monotonic() >= deadline:
            raise ContainerStartupError(
                f"The reusable container {name} stayed {status!r}: the process that created "
                "it did not start it (it may have crashed while setting it up). Remove it with "
                f"`docker rm -f {name}` and retry."
            )
        time.sleep(POLL)
        attrs = engine.inspect_container(ident)
