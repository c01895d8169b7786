"""The counting proxy in front of the real engine: docker-py works through it unchanged,
a follow-logs stream stays open while other requests are counted, exec's hijacked stream
comes back intact."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import pytest
from api_proxy import CountingProxy, engine_socket

IMAGE = "dockyard.local/base:bookworm"


@pytest.fixture
def api(socket_dir: Path) -> Iterator[tuple[CountingProxy, Any]]:
    with CountingProxy(socket_dir / "proxy.sock", engine_socket()) as proxy:
        client = docker.APIClient(base_url=proxy.url, version="auto", timeout=60)
        try:
            yield proxy, client
        finally:
            client.close()


def test_counts_a_container_cycle_with_a_log_stream_and_an_exec(
    api: tuple[CountingProxy, Any],
) -> None:
    proxy, client = api
    container = client.create_container(
        IMAGE,
        ["sh", "-c", "echo ready; exec sleep 60"],
        labels={"org.dockyard.bench": f"proxy-test-{uuid.uuid4().hex[:8]}"},
    )["Id"]
    try:
        client.start(container)
        logs = client.logs(container, stream=True, follow=True)
        assert next(logs) == b"ready\n"
        for _ in range(2):  # while the stream is open
            assert client.inspect_container(container)["State"]["Running"]
        exec_id = client.exec_create(container, ["echo", "exec-out"])["Id"]
        assert client.exec_start(exec_id) == b"exec-out\n"
        assert client.exec_inspect(exec_id)["ExitCode"] == 0
    finally:
        client.remove_container(container, force=True)
    assert list(logs) == []  # the stream ended with the container

    assert proxy.counts() == {
        "GET /version": 1,
        "POST /containers/create": 1,
        "POST /containers/{id}/start": 1,
        "GET /containers/{id}/logs": 1,
        "GET /containers/{id}/json": 3,  # logs() inspects first, to learn whether it is a tty
        "POST /containers/{id}/exec": 1,
        "POST /exec/{id}/start": 1,
        "GET /exec/{id}/json": 1,
        "DELETE /containers/{id}": 1,
    }
    (stream,) = [r.connection for r in proxy.requests() if r.endpoint().endswith("/logs")]
    others = {r.connection for r in proxy.requests() if not r.endpoint().endswith("/logs")}
    assert stream not in others
