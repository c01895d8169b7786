"""The one place that creates a docker-py client.

Everything else receives a client as an argument, so unit tests can hand in a fake
and integration tests use the real engine. One client per process and DOCKER_HOST
is cached: a forked child must not share its parent's HTTP connections.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import docker
import docker.errors

from ._config import Config, load_config
from ._errors import DockerUnavailableError

DockerClient = Any  # docker-py ships no type information; this alias documents intent.

_lock = threading.Lock()
_clients: dict[tuple[int, str | None], DockerClient] = {}


def create_client(config: Config | None = None) -> DockerClient:
    """Return a working client for the configured engine, or raise DockerUnavailableError."""
    config = config or load_config()
    base_url = config.docker_host
    key = (os.getpid(), base_url)
    with _lock:
        cached = _clients.get(key)
        if cached is not None:
            return cached
        try:
            client = docker.from_env(timeout=120, environment=client_environment(base_url))
            client.ping()
        except docker.errors.DockerException as exc:
            where = base_url or os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
            raise DockerUnavailableError(f"{where}: {exc}") from exc
        _clients[key] = client
        return client


def client_environment(docker_host: str | None) -> dict[str, str]:
    """The environment docker-py reads: ours, with the configured engine as DOCKER_HOST.

    Going through docker-py's own reading keeps DOCKER_TLS_VERIFY and DOCKER_CERT_PATH in
    force for a host that came from ~/.testcontainers.properties as well as from the env.
    """
    environment = dict(os.environ)
    if docker_host:
        environment["DOCKER_HOST"] = docker_host
    return environment


def docker_host_url(client: DockerClient, config: Config) -> str:
    """The URL the client talks to, e.g. ``unix:///var/run/docker.sock`` or ``tcp://h:2375``."""
    if config.docker_host:
        return config.docker_host
    base = str(getattr(getattr(client, "api", None), "base_url", "") or "")
    if base.startswith("http+docker://"):
        # docker-py rewrites unix sockets to this pseudo-scheme; the socket path is not kept.
        return os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    return base or "unix:///var/run/docker.sock"
