"""One exception hierarchy: every failure a user can act on is a DockyardError.

Each message says what happened *and* what to do about it, because the reader is
usually a developer looking at a red test, not at this code.
"""

from __future__ import annotations

ENGINE_HINT = (
    "Start a Docker engine (`dockerd` as root, or your desktop's Docker) or point DOCKER_HOST "
    "(or `docker.host` in ~/.testcontainers.properties) at a running one."
)


class DockyardError(Exception):
    """Base class of every error raised by Dockyard."""


class ConfigurationError(DockyardError, ValueError):
    """Bad input from the caller or the configuration (a port spec, a timeout, a property).

    Raised before anything is created in Docker.
    """


class HookError(ConfigurationError, TypeError):
    """A container subclass defines a hook with the wrong name or signature.

    Raised when the class is defined, so a misspelt hook cannot be silently ignored.
    """


class DockerUnavailableError(DockyardError):
    """The Docker engine cannot be reached."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"Cannot reach the Docker engine: {detail}. {ENGINE_HINT}")
        self.detail = detail


class EngineError(DockyardError):
    """The engine refused a request; ``status_code`` and ``explanation`` are the engine's."""

    def __init__(
        self, message: str, *, status_code: int | None = None, explanation: str = ""
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.explanation = explanation


class NotFoundError(EngineError):
    """The container, network or image the request named does not exist (any more)."""


class ConflictError(EngineError):
    """The engine refused because of a conflict: a name in use, a container being removed."""


class ImageNotFoundError(DockyardError):
    """The image is not present and may not (or could not) be pulled."""

    def __init__(
        self, image: str, reason: str, requested: str | None = None, *, hint: str | None = None
    ) -> None:
        via = f" (requested as {requested!r})" if requested and requested != image else ""
        advice = hint or (
            "Pull or build it (`docker pull`, `docker build -t`), or map the name to an image "
            "you have with DOCKYARD_IMAGE_SUBSTITUTIONS='name=local/name:tag' (or "
            "`dockyard.image.substitutions` in ~/.testcontainers.properties)."
        )
        super().__init__(f"Image {image!r}{via} is not available: {reason}. {advice}")
        self.image = image
        self.requested = requested


class ContainerStartupError(DockyardError, RuntimeError):
    """A container failed to start or to become ready; carries its exit code and last logs.

    Also a RuntimeError, as testcontainers-python's "container exited" errors are.
    """

    def __init__(
        self,
        message: str,
        *,
        exit_code: int | None = None,
        logs: str = "",
        container_id: str | None = None,
    ) -> None:
        text = message
        if exit_code is not None:
            text += f" (exit code {exit_code})"
        if logs:
            text += f"\n--- last log lines ---\n{logs}\n--- end of logs ---"
        super().__init__(text)
        self.exit_code = exit_code
        self.logs = logs
        self.container_id = container_id


class StartupTimeoutError(ContainerStartupError, TimeoutError):
    """The container kept running but never became ready within its startup timeout.

    Also a ``TimeoutError``, as testcontainers-python's waits raise one.
    """


class ContainerNotStartedError(DockyardError, RuntimeError):
    """A method that needs a running container was called before start() or after stop().

    testcontainers-python calls it ``ContainerStartException`` (a RuntimeError).
    """


class ContainerNotRunningError(ContainerNotStartedError):
    """The container was started but is no longer running: its mapped ports are gone."""


class PortNotExposedError(DockyardError, RuntimeError):
    """A port was asked for that the container never exposed."""

    def __init__(self, port: str, exposed: list[str]) -> None:
        listed = ", ".join(exposed) if exposed else "none"
        super().__init__(
            f"Port {port} was not exposed (exposed ports: {listed}). Add it with "
            f"with_exposed_ports({port.split('/')[0]}) before start()."
        )
        self.port = port
        self.exposed = exposed


class PortNotPublishedError(DockyardError):
    """The port was exposed, but the engine did not publish a host port for it in time."""


class ReadinessAbort(DockyardError):
    """Raised by a readiness check to fail at once instead of retrying until the timeout.

    Use it for conditions that will never heal, such as a rejected password.
    """


class ReaperError(DockyardError):
    """The Ryuk reaper could not be started or contacted."""


class ContainerConnectException(DockyardError, RuntimeError):
    """testcontainers-python's error for a container that cannot be connected to."""
