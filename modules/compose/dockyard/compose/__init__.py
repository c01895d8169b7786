"""Docker Compose environments for tests: ``DockerCompose``, as in testcontainers-python.

Example::

    from dockyard.compose import DockerCompose

    with DockerCompose("tests/env", compose_file_name="compose.yaml") as env:
        host, port = env.get_service_host_and_port("cache", 6379)

Every environment is a compose project of its own, labelled for the session's reaper.
Needs the Docker Compose v2 CLI plugin (``tools/bootstrap/compose.sh`` installs it).
"""

# testcontainers.compose re-exports these two errors of its core; so does this package.
from dockyard.core import ContainerIsNotRunning, NoSuchPortExposed

from ._cli import ComposeCli, find_compose
from ._compose import DockerCompose
from ._container import ComposeContainer, PublishedPortModel
from ._errors import (
    ComposeCommandError,
    ComposeError,
    ComposeFileError,
    ComposeNotFoundError,
    ComposeTimeoutError,
    ServiceExitedError,
    ServiceNotRunningError,
    ServicePortNotPublishedError,
    UnknownServiceError,
)

__all__ = [
    "ComposeCli",
    "ComposeCommandError",
    "ComposeContainer",
    "ComposeError",
    "ComposeFileError",
    "ComposeNotFoundError",
    "ComposeTimeoutError",
    "ContainerIsNotRunning",
    "DockerCompose",
    "NoSuchPortExposed",
    "PublishedPortModel",
    "ServiceExitedError",
    "ServiceNotRunningError",
    "ServicePortNotPublishedError",
    "UnknownServiceError",
    "find_compose",
]
