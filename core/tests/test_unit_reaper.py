"""The reaper's per-process connection bookkeeping (pure logic, no engine)."""

from __future__ import annotations

import os
import socket

import pytest
from conftest import FakeClient

import dockyard.core._reaper as reaper_mod
from dockyard.core import session_id
from dockyard.core._client import docker_host_url
from dockyard.core._config import Config


def test_a_dead_connection_is_closed_before_reconnecting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TESTCONTAINERS_RYUK_DISABLED", raising=False)
    monkeypatch.setattr(reaper_mod, "_connections", {})
    client, config = FakeClient(), Config({})
    dead, peer = socket.socketpair()
    peer.close()  # the reaper went away
    key = (os.getpid(), session_id(), docker_host_url(client, config))
    reaper_mod._connections[key] = reaper_mod._Connection(dead, "old-reaper")
    fresh, fresh_peer = socket.socketpair()
    calls: list[str] = []

    def connect(*args: object) -> reaper_mod._Connection:
        calls.append("connect")
        return reaper_mod._Connection(fresh, "new-reaper")

    monkeypatch.setattr(reaper_mod, "_connect", connect)
    try:
        reaper_mod.ensure_reaper(client, config)
        assert calls == ["connect"]
        assert dead.fileno() == -1  # closed, not leaked
        assert reaper_mod.reaper_container_id() == "new-reaper"
        reaper_mod.ensure_reaper(client, config)  # alive: kept
        assert calls == ["connect"]
    finally:
        dead.close()
        fresh.close()
        fresh_peer.close()
