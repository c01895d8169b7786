"""Docker Compose environments for tests: ``DockerCompose``, as in testcontainers-python.

Example::

    from dockyard.compose import DockerCompose

    with DockerCompose("tests/env", compose_file_name="compose.yaml") as env:
        host, port = env.get_service_host_and_port("cache", 6379)

Every environment is a compose project of its own, labelled for the session's reaper.
Needs the Docker Compose v2 CLI plugin (``tools/bootstrap/compose.sh`` installs it).
"""

from dockyard.core import ContainerNotRunningError, PortNotExposedError

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

#: testcontainers-python's names for the errors get_container() and the port lookups raise.
ContainerIsNotRunning = ContainerNotRunningError
NoSuchPortExposed = PortNotExposedError

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
