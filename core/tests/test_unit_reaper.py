"""The reaper connection's bookkeeping and watching (no engine: the connect is stubbed)."""

from __future__ import annotations

import socket
import time

import pytest
from conftest import wait_until

from dockyard.core import Session
from dockyard.core._reaper import Reaper
from dockyard.core.testing import FakeEngine


def test_a_dead_connection_is_replaced_at_once_by_the_watcher(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TESTCONTAINERS_RYUK_DISABLED", raising=False)
    peers: list[socket.socket] = []
    made: list[socket.socket] = []

    def connect(self: Reaper) -> tuple[socket.socket, str]:
        ours, theirs = socket.socketpair()
        made.append(ours)
        peers.append(theirs)
        return ours, f"reaper-{len(made)}"

    monkeypatch.setattr(Reaper, "_connect", connect)
    reaper = Reaper(Session(FakeEngine(), "unit-reaper"))
    try:
        reaper.ensure()
        assert reaper.container_id == "reaper-1"
        reaper.ensure()  # alive: kept
        assert len(made) == 1
        started = time.monotonic()
        peers[0].close()  # the reaper went away
        assert wait_until(lambda: reaper.container_id == "reaper-2", 5, 0.01)
        assert time.monotonic() - started < 2  # the bound
        assert made[0].fileno() == -1  # the dead socket was closed, not leaked
        assert reaper.reconnects == 1
    finally:
        reaper.close()
        for sock in made + peers:
            sock.close()
