"""Dockyard core: real, throwaway Docker containers for tests.

>>> from dockyard.core import DockerContainer, LogMessageWaitStrategy
>>> with DockerContainer("redis:7").with_exposed_ports(6379).waiting_for(
...     LogMessageWaitStrategy("Ready to accept connections")) as redis:
...     redis.host(), redis.mapped_port(6379)
"""

from ._build import DockerImage, ImageBuildError, build_image
from ._compat import wait_for_logs
from ._config import Config, PullPolicy, load_config
from ._container import DockerContainer
from ._engine import Engine, ExecOutput, LogStream
from ._errors import (
    ConfigurationError,
    ConflictError,
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
from ._spec import ContainerSpec, FileCopy, NetworkAttachment, PortBinding, VolumeMount
from ._version import __version__
from ._wait import (
    AllOf,
    AnyOf,
    CallableWaitStrategy,
    ExecWaitStrategy,
    HealthcheckWaitStrategy,
    HttpWaitStrategy,
    LogMessageWaitStrategy,
    NotReady,
    PollingWaitStrategy,
    PortWaitStrategy,
    WaitStrategy,
    WaitTarget,
)

__all__ = [
    "HOST_INTERNAL",
    "LABEL_BASE",
    "LABEL_HASH",
    "LABEL_LANG",
    "LABEL_SESSION_ID",
    "LABEL_VERSION",
    "AllOf",
    "AnyOf",
    "CallableWaitStrategy",
    "Config",
    "ConfigurationError",
    "ConflictError",
    "ContainerNotRunningError",
    "ContainerNotStartedError",
    "ContainerSpec",
    "ContainerStartupError",
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
    "ServiceContainer",
    "Session",
    "StartupTimeoutError",
    "VolumeMount",
    "WaitStrategy",
    "WaitTarget",
    "__version__",
    "build_image",
    "current_session",
    "expose_host_ports",
    "load_config",
    "parse_port",
    "resolve_image_name",
    "session_id",
    "start_all",
    "stop_all",
    "wait_for_logs",
]
