"""Dockyard core: real, throwaway Docker containers for tests.

>>> from dockyard.core import DockerContainer, LogMessageWaitStrategy
>>> with DockerContainer("redis:7").with_exposed_ports(6379).waiting_for(
...     LogMessageWaitStrategy("Ready to accept connections")) as redis:
...     redis.host(), redis.mapped_port(6379)
"""

from typing import Any

from ._build import DockerImage, ImageBuildError, build_image
from ._compat import (
    TRANSIENT_EXCEPTIONS,
    CompositeWaitStrategy,
    ContainerStatusWaitStrategy,
    FileExistsWaitStrategy,
    wait_container_is_ready,
    wait_for,
    wait_for_logs,
)
from ._compat_client import DockerClient, create_labels, get_docker_host, is_podman
from ._compat_config import ConnectionMode, TestcontainersConfiguration, testcontainers_config
from ._compat_generic import ServerContainer, SqlContainer
from ._compat_inspect import ContainerInspectInfo
from ._compat_utils import (
    default_gateway_ip,
    get_running_in_container_id,
    inside_container,
    is_arm,
    is_linux,
    is_mac,
    is_windows,
    os_name,
    raise_for_deprecated_parameter,
    setup_logger,
)
from ._config import Config, PullPolicy, load_config
from ._container import DockerContainer
from ._engine import Engine, ExecOutput, LogStream
from ._errors import (
    ConfigurationError,
    ConflictError,
    ContainerConnectException,
    ContainerNotRunningError,
    ContainerNotStartedError,
    ContainerStartupError,
    DockerUnavailableError,
    DockyardError,
    EngineError,
    HookError,
    ImageNotFoundError,
    NotFoundError,
    PortNotExposedError,
    PortNotPublishedError,
    ReadinessAbort,
    ReaperError,
    StartupTimeoutError,
)
from ._exec import ExecConfig, ExecResult
from ._host_ports import HOST_INTERNAL, HostPortsError, expose_host_ports
from ._images import resolve_image_name
from ._labels import (
    LABEL_BASE,
    LABEL_HASH,
    LABEL_LANG,
    LABEL_SESSION_ID,
    LABEL_VERSION,
)
from ._logs import LogFollower
from ._network import Network
from ._parallel import start_all, stop_all
from ._ports import Port, parse_port
from ._running import RunningContainer
from ._service import ServiceContainer
from ._session import Session, current_session, session_id
from ._spec import (
    ContainerSpec,
    FileCopy,
    NetworkAttachment,
    PortBinding,
    Transferable,
    TransferSpec,
    VolumeMount,
)
from ._version import __version__
from ._wait import (
    AllOf,
    AnyOf,
    CallableWaitStrategy,
    ExecWaitStrategy,
    HealthcheckWaitStrategy,
    LogMessageWaitStrategy,
    NotReady,
    PollingWaitStrategy,
    PortWaitStrategy,
    WaitStrategy,
    WaitTarget,
)
from ._wait_http import HttpWaitStrategy

# testcontainers-python's names for things Dockyard names otherwise.
BytesExecResult = ExecResult
ContainerStartException = ContainerNotStartedError
ContainerIsNotRunning = ContainerNotRunningError
NoSuchPortExposed = PortNotExposedError
WaitStrategyTarget = WaitTarget


def __getattr__(name: str) -> Any:
    # testcontainers-python's SESSION_ID constant: this process's session id, read live.
    if name == "SESSION_ID":
        return session_id()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "HOST_INTERNAL",
    "LABEL_BASE",
    "LABEL_HASH",
    "LABEL_LANG",
    "LABEL_SESSION_ID",
    "LABEL_VERSION",
    "SESSION_ID",
    "TRANSIENT_EXCEPTIONS",
    "AllOf",
    "AnyOf",
    "BytesExecResult",
    "CallableWaitStrategy",
    "CompositeWaitStrategy",
    "Config",
    "ConfigurationError",
    "ConflictError",
    "ConnectionMode",
    "ContainerConnectException",
    "ContainerInspectInfo",
    "ContainerIsNotRunning",
    "ContainerNotRunningError",
    "ContainerNotStartedError",
    "ContainerSpec",
    "ContainerStartException",
    "ContainerStartupError",
    "ContainerStatusWaitStrategy",
    "DockerClient",
    "DockerContainer",
    "DockerImage",
    "DockerUnavailableError",
    "DockyardError",
    "Engine",
    "EngineError",
    "ExecConfig",
    "ExecOutput",
    "ExecResult",
    "ExecWaitStrategy",
    "FileCopy",
    "FileExistsWaitStrategy",
    "HealthcheckWaitStrategy",
    "HookError",
    "HostPortsError",
    "HttpWaitStrategy",
    "ImageBuildError",
    "ImageNotFoundError",
    "LogFollower",
    "LogMessageWaitStrategy",
    "LogStream",
    "Network",
    "NetworkAttachment",
    "NoSuchPortExposed",
    "NotFoundError",
    "NotReady",
    "PollingWaitStrategy",
    "Port",
    "PortBinding",
    "PortNotExposedError",
    "PortNotPublishedError",
    "PortWaitStrategy",
    "PullPolicy",
    "ReadinessAbort",
    "ReaperError",
    "RunningContainer",
    "ServerContainer",
    "ServiceContainer",
    "Session",
    "SqlContainer",
    "StartupTimeoutError",
    "TestcontainersConfiguration",
    "TransferSpec",
    "Transferable",
    "VolumeMount",
    "WaitStrategy",
    "WaitStrategyTarget",
    "WaitTarget",
    "__version__",
    "build_image",
    "create_labels",
    "current_session",
    "default_gateway_ip",
    "expose_host_ports",
    "get_docker_host",
    "get_running_in_container_id",
    "inside_container",
    "is_arm",
    "is_linux",
    "is_mac",
    "is_podman",
    "is_windows",
    "load_config",
    "os_name",
    "parse_port",
    "raise_for_deprecated_parameter",
    "resolve_image_name",
    "session_id",
    "setup_logger",
    "start_all",
    "stop_all",
    "testcontainers_config",
    "wait_container_is_ready",
    "wait_for",
    "wait_for_logs",
]
