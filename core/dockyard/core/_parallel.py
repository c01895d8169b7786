"""Starting several containers at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._container import DockerContainer


def start_all(
    *containers: DockerContainer, max_workers: int | None = None
) -> list[DockerContainer]:
    """Start the containers in parallel; if one fails, stop those that started and re-raise."""
    if not containers:
        return []
    workers = max_workers or min(8, len(containers))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dockyard-start") as pool:
        futures = [pool.submit(c.start) for c in containers]
        errors: list[BaseException] = []
        for future in futures:
            exc = future.exception()
            if exc is not None:
                errors.append(exc)
    if errors:
        stop_all(*containers)
        raise errors[0]
    return list(containers)


def stop_all(*containers: DockerContainer) -> None:
    """Stop every container, continuing past failures, then re-raise the first one."""
    first: BaseException | None = None
    for container in containers:
        try:
            container.stop()
        except Exception as exc:
            first = first or exc
    if first is not None:
        raise first
