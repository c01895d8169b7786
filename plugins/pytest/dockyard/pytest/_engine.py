"""Is there a Docker engine, which one, and what a test needing one is told without it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dockyard.core import DockyardError, current_session, load_config

__all__ = ["EngineStatus", "probe"]

START_HINT = (
    "start an engine (Linux: `sudo systemctl start docker`, or `dockerd` as root; macOS and "
    "Windows: Docker Desktop, Colima or `podman machine start`) or point DOCKER_HOST at one"
)


def _product(version: dict[str, Any]) -> str:
    platform = version.get("Platform")
    name = platform.get("Name") if isinstance(platform, dict) else None
    return str(name or "Docker engine").strip()


@dataclass(frozen=True)
class EngineStatus:
    """The engine the run's containers go to, as it answered (or did not) once."""

    url: str
    reachable: bool
    product: str = ""
    version: str = ""
    api_version: str = ""
    host: str = ""
    error: str = ""

    def header(self, strict: bool) -> str:
        """The report header's line."""
        if not self.reachable:
            fate = "fail (--dockyard-require-engine)" if strict else "are skipped"
            return (
                f"dockyard: no Docker engine at {self.url} ({self.error}): tests needing one {fate}"
            )
        return (
            f"dockyard: {self.product} {self.version} (API {self.api_version}) at {self.url}, "
            f"containers reached at {self.host}"
        )

    def reason(self, strict: bool) -> str:
        """Why a test that needs the engine does not run, and what to do."""
        what = "fails" if strict else "is skipped"
        tail = "" if strict else "; --dockyard-require-engine makes this a failure"
        return (
            f"needs a Docker engine and none answers ({self.error}): {START_HINT}. "
            f"The test {what}{tail}."
        )


def probe() -> EngineStatus:
    """Ask the configured engine for its version once (one ping, one request)."""
    url = load_config().docker_host or "the default socket (unix:///var/run/docker.sock)"
    try:
        session = current_session()
        url = session.engine.url
        version = session.engine.version()
        host = session.host()
    except DockyardError as error:
        detail = getattr(error, "detail", None) or str(error)
        return EngineStatus(url=url, reachable=False, error=str(detail))
    return EngineStatus(
        url=url,
        reachable=True,
        product=_product(version),
        version=str(version.get("Version", "?")),
        api_version=str(version.get("ApiVersion", "?")),
        host=host,
    )
