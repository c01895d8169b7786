"""testcontainers-python's generic containers (``testcontainers.generic``): a server on a
port, and the base of SQL database containers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from ._build import DockerImage
from ._container import DockerContainer
from ._errors import ConfigurationError, ContainerNotStartedError
from ._wait import WaitStrategy
from ._wait_http import HttpWaitStrategy

__all__ = ["ServerContainer", "SqlContainer"]


class ServerContainer(DockerContainer):
    """A container serving HTTP on ``port``: ready once ``/`` answers 200 or 404."""

    def __init__(self, port: int, image: str | DockerImage) -> None:
        super().__init__(str(image))
        self.internal_port = port
        self.with_exposed_ports(port)

    def _default_wait_strategy(self) -> WaitStrategy | None:
        return HttpWaitStrategy(self.internal_port).for_status_code(404)

    def _create_connection_url(self) -> str:
        return f"http://{self.host()}:{self.mapped_port(self.internal_port)}"

    def get_api_url(self) -> str:
        raise NotImplementedError  # a subclass says where its API lives

    def get_client(self) -> Any:
        """An ``httpx.Client`` on ``get_api_url()`` (httpx must be installed)."""
        try:
            import httpx
        except ModuleNotFoundError as exc:
            raise ConfigurationError(
                "ServerContainer.get_client() needs httpx: `pip install httpx`."
            ) from exc
        return httpx.Client(base_url=self.get_api_url())

    def get_stdout(self) -> str:
        return self.get_logs()[0].decode(errors="replace")


class SqlContainer(DockerContainer):
    """The base of a SQL database container: ``_configure()`` sets it up, ``wait_strategy``
    decides readiness, ``get_connection_url()`` (a subclass's) says where it is."""

    def __init__(self, image: str, wait_strategy: WaitStrategy, **kwargs: Any) -> None:
        super().__init__(image, **kwargs)
        self.waiting_for(wait_strategy)

    def get_connection_url(self) -> str:
        raise NotImplementedError

    def _create_connection_url(
        self,
        dialect: str,
        username: str,
        password: str,
        host: str | None = None,
        port: int | None = None,
        dbname: str | None = None,
        query_params: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> str:
        if not self.started:
            raise ContainerNotStartedError("The container is not started; call start() first.")
        if kwargs:
            raise ConfigurationError(f"Unexpected arguments {sorted(kwargs)}.")
        host = host or self.host()
        where = f"{host}:{self.mapped_port(port)}" if port is not None else host
        url = f"{dialect}://{quote(username, safe='')}:{quote(password, safe='')}@{where}"
        if dbname:
            url += f"/{quote(dbname, safe='')}"
        if query_params:
            url += f"?{urlencode(query_params)}"
        return url
