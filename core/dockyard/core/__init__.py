"""Dockyard core: real, throwaway Docker containers for tests.

>>> from dockyard.core import DockerContainer, LogMessageWaitStrategy
>>> with DockerContainer("redis:7").with_exposed_ports(6379).waiting_for(
...     LogMessageWaitStrategy("Ready to accept connections")) as redis:
...     redis.host(), redis.mapped_port(6379)
"""

from ._compat import wait_for_logs
from ._config import Config, PullPolicy, load_config
from ._container import DockerContainer, ExecResult
from ._errors import (
    ConfigurationError,
    ContainerNotRunningError,
    ContainerNotStartedError,
    ContainerStartupError,
    DockerUnavailableError,
    DockyardError,
    ImageNotFoundError,
    PortNotExposedError,
    PortNotPublishedError,
    ReadinessAbort,
    ReaperError,
    StartupTimeoutError,
)
from ._images import DockerImage, ImageBuildError, build_image, resolve_image_name
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
from ._session import session_id
from ._version import __version__
from ._wait import (
    AllOf,
    AnyOf,
    CallableWaitStrategy,
    ExecWaitStrategy,
    HealthcheckWaitStrategy,
    HttpWaitStrategy,
    LogMessageWaitStrategy,
    PollingWaitStrategy,
    PortWaitStrategy,
    WaitStrategy,
    WaitTarget,
)

__all__ = [
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
    "ContainerNotRunningError",
    "ContainerNotStartedError",
    "ContainerStartupError",
    "DockerContainer",
    "DockerImage",
    "DockerUnavailableError",
    "DockyardError",
    "ExecResult",
    "ExecWaitStrategy",
    "HealthcheckWaitStrategy",
    "HttpWaitStrategy",
    "ImageBuildError",
    "ImageNotFoundError",
    "LogFollower",
    "LogMessageWaitStrategy",
    "Network",
    "PollingWaitStrategy",
    "Port",
    "PortNotExposedError",
    "PortNotPublishedError",
    "PortWaitStrategy",
    "PullPolicy",
    "ReadinessAbort",
    "ReaperError",
    "StartupTimeoutError",
    "WaitStrategy",
    "WaitTarget",
    "__version__",
    "build_image",
    "load_config",
    "parse_port",
    "resolve_image_name",
    "session_id",
    "start_all",
    "stop_all",
    "wait_for_logs",
]
