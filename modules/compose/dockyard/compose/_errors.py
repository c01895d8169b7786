"""What goes wrong with a Compose environment, as DockyardErrors carrying what compose said.

Each error is also the core error a caller already catches for the same failure (a bad
configuration, a container that exits while starting, a port that is not published), so
code written against ``dockyard.core`` handles environments too. ``compose_output`` holds
everything the failing ``docker compose`` command printed; the message shows its end.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

from dockyard.core import (
    ConfigurationError,
    ContainerNotRunningError,
    ContainerStartupError,
    DockyardError,
    PortNotExposedError,
    PortNotPublishedError,
    StartupTimeoutError,
)

# Enough of compose's output to see the cause in a test report; the rest is in the attribute.
OUTPUT_TAIL_LINES = 40


def tail(text: str, lines: int = OUTPUT_TAIL_LINES) -> str:
    kept = text.strip("\n").splitlines()
    if len(kept) <= lines:
        return "\n".join(kept)
    return "\n".join([f"[... {len(kept) - lines} earlier lines ...]", *kept[-lines:]])


def with_output(message: str, output: str) -> str:
    if not output.strip():
        return message
    return f"{message}\n--- docker compose said ---\n{tail(output)}\n--- end ---"


class ComposeError(DockyardError):
    """Base of every Compose failure; ``compose_output`` is what compose printed."""

    def __init__(
        self, message: str, *, compose_output: str = "", command: Sequence[str] = ()
    ) -> None:
        # Exception.__init__ directly: the core classes mixed in below have other signatures.
        Exception.__init__(self, with_output(message, compose_output))
        self.compose_output = compose_output
        self.command = list(command)

    def __str__(self) -> str:
        # CalledProcessError (mixed into ComposeCommandError) has its own __str__.
        return str(self.args[0]) if self.args else ""


class ComposeNotFoundError(ComposeError, ConfigurationError):
    """No Docker Compose v2 to run: the plugin is not installed, or is too old."""


class ComposeCommandError(ComposeError, subprocess.CalledProcessError):
    """A ``docker compose`` command failed.

    Also a ``CalledProcessError``, what testcontainers-python raises: ``returncode``,
    ``cmd``, ``stdout`` / ``output`` and ``stderr`` (bytes) are set as there.
    """

    def __init__(
        self,
        message: str,
        *,
        command: Sequence[str],
        returncode: int,
        stdout: bytes = b"",
        stderr: bytes = b"",
    ) -> None:
        output = (stderr + b"\n" + stdout).decode(errors="replace")
        ComposeError.__init__(self, message, compose_output=output, command=command)
        self.returncode = returncode
        self.cmd = list(command)
        self.output = stdout
        self.stderr = stderr


class ComposeFileError(ComposeError, ConfigurationError):
    """The compose files (or env files, profiles) do not make a valid project.

    Raised before anything is created.
    """


class UnknownServiceError(ComposeError, ConfigurationError):
    """A service name that the compose files do not define."""

    def __init__(self, service: str, known: Sequence[str], *, where: str = "") -> None:
        listed = ", ".join(sorted(known)) or "none"
        place = f" (in {where})" if where else ""
        super().__init__(
            f"Service {service!r}{place} is not defined by the compose files (services: "
            f"{listed}); check the name, or enable its profile with profiles=[...]"
        )
        self.service = service
        self.known = sorted(known)


class ServiceNotRunningError(ComposeError, ContainerNotRunningError):
    """The service is defined but has no running container (not selected, or stopped)."""


class ServiceExitedError(ComposeError, ContainerStartupError):
    """A service's container exited while the environment started.

    Also a ``ContainerStartupError``: ``exit_code`` and ``logs`` (its last lines) are set;
    ``service`` names it.
    """

    def __init__(
        self,
        service: str,
        container: str,
        *,
        exit_code: int | None,
        logs: str,
        compose_output: str = "",
        command: Sequence[str] = (),
        container_id: str | None = None,
    ) -> None:
        text = (
            f"Service {service!r} (container {container}) exited while the environment "
            f"started (exit code {exit_code}); its last log lines are below. A one-shot "
            "service stops `up --wait`: start with wait=False, or give it a long-running "
            "command"
        )
        if logs.strip():
            text += f"\n--- last log lines of {service} ---\n{tail(logs)}\n--- end of logs ---"
        ComposeError.__init__(self, text, compose_output=compose_output, command=command)
        self.service = service
        self.exit_code = exit_code
        self.logs = logs
        self.container_id = container_id


class ServicePortNotPublishedError(ComposeError, PortNotPublishedError, PortNotExposedError):
    """A port was asked for that the service does not publish to the host.

    Also core's ``PortNotExposedError`` and ``PortNotPublishedError``, the errors
    ``mapped_port`` raises for a plain container.
    """

    def __init__(self, service: str, port: str, published: Sequence[str]) -> None:
        listed = ", ".join(published) or "none"
        number = port.split("/")[0]
        ComposeError.__init__(
            self,
            f"Service {service!r} does not publish port {port} (published: {listed}). Add "
            f'`ports: ["{number}"]` to the service in the compose file (`expose` only opens '
            "it to the other services)",
        )
        self.service = service
        self.port = port
        self.published = list(published)
        self.exposed = list(published)


class ComposeTimeoutError(ComposeError, StartupTimeoutError):
    """The environment did not become ready in time (``wait_for``, ``--wait-timeout``)."""

    def __init__(self, message: str, *, compose_output: str = "", logs: str = "") -> None:
        super().__init__(message, compose_output=compose_output)
        self.exit_code: int | None = None
        self.logs = logs
        self.container_id: str | None = None
