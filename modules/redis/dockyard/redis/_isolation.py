"""Per-test isolation that holds across processes: databases leased in the server itself.

Processes sharing one server (xdist workers, Bazel targets) must never be handed the same
logical database. A database is taken with ``SET dockyard:db-lease:<n> <holder> NX PX`` in
the server's last database (kept for the leases, so database 0 stays the user's), which
the server grants to one caller only; the holder renews it from a daemon thread
and deletes it when done, and a holder that died loses it when the lease expires. When
every database is leased, isolation falls back to a key prefix in database 0, whose keys
are deleted when the test is done.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import redis

from dockyard.core import DockyardError

__all__ = ["DatabaseLeases", "Isolation", "RedisIsolationError"]

LEASE_KEY = "dockyard:db-lease:{}"
LEASE_MS = 30_000
# Renewed this often, so a lease survives two missed renewals.
RENEW_EVERY = LEASE_MS / 3000

_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"
_RENEW = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('pexpire', KEYS[1], ARGV[2]) end"
)


class RedisIsolationError(DockyardError):
    """Every logical database of the server is leased to a test."""


@dataclass(frozen=True)
class Isolation:
    """What one test may use alone: ``client`` on ``db``, and ``key()`` for its key names.

    With a database of its own ``prefix`` is empty; in the prefix fallback (no database
    was free) the test shares database 0 and must name its keys through ``key()``.
    """

    client: redis.Redis
    db: int
    prefix: str = ""

    def key(self, name: str) -> str:
        return self.prefix + name


class DatabaseLeases:
    """The databases one container object holds, renewed until released."""

    def __init__(self, client: Callable[..., redis.Redis], count: Callable[[], int]) -> None:
        """``client(db=...)`` makes a client; ``count()`` is the server's database count."""
        self._client = client
        self._count = count
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        self._held: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def acquire(self) -> int | None:
        """The lowest free database (emptied first), or None when every one is leased."""
        with self._lease_client() as client:
            for db in range(1, self._count() - 1):
                if db in self.held:  # ours already (even if a FLUSHALL wiped its lease)
                    continue
                if client.set(LEASE_KEY.format(db), self.holder, nx=True, px=LEASE_MS):
                    with self._client(db=db) as own:
                        own.flushdb()
                    with self._lock:
                        self._held.add(db)
                    self._start_renewing()
                    return db
        return None

    def release(self, db: int) -> None:
        with self._lock:
            if db not in self._held:
                return
            self._held.discard(db)
        with contextlib.suppress(redis.RedisError), self._lease_client() as client:
            client.eval(_RELEASE, 1, LEASE_KEY.format(db), self.holder)

    def _lease_client(self) -> redis.Redis:
        return self._client(db=self._count() - 1)

    def release_all(self) -> None:
        self._stop.set()
        for db in sorted(self._held):
            self.release(db)

    @property
    def held(self) -> list[int]:
        with self._lock:
            return sorted(self._held)

    def _start_renewing(self) -> None:
        if self._renewer is not None and self._renewer.is_alive():
            return
        self._stop.clear()
        self._renewer = threading.Thread(
            target=self._renew, name="dockyard-redis-leases", daemon=True
        )
        self._renewer.start()

    def _renew(self) -> None:
        while not self._stop.wait(RENEW_EVERY):
            held = self.held
            if not held:
                continue
            try:
                with self._lease_client() as client:
                    for db in held:
                        client.eval(_RENEW, 1, LEASE_KEY.format(db), self.holder, LEASE_MS)
            except redis.RedisError:
                return  # the server is gone: nothing left to hold


def namespace_prefix() -> str:
    return f"dockyard:ns:{os.getpid()}:{uuid.uuid4().hex[:12]}:"


def delete_prefixed(client: redis.Redis, prefix: str) -> None:
    batch = []
    for key in client.scan_iter(match=prefix.replace("*", r"\*") + "*", count=500):
        batch.append(key)
        if len(batch) >= 500:
            client.delete(*batch)
            batch.clear()
    if batch:
        client.delete(*batch)


@contextlib.contextmanager
def isolated(
    get_client: Callable[..., redis.Redis],
    db: int | None,
    release: Callable[[int], None],
    **kwargs: Any,
) -> Iterator[Isolation]:
    """The ``with`` block of ``isolated_database``: leased database ``db`` (handed back to
    ``release`` after), or with ``db`` None a key prefix of its own in database 0 (its keys
    deleted after)."""
    if db is not None:
        try:
            with get_client(**{**kwargs, "db": db}) as client:
                yield Isolation(client, db)
        finally:
            release(db)
        return
    prefix = namespace_prefix()
    with get_client(**{**kwargs, "db": 0}) as client:
        try:
            yield Isolation(client, 0, prefix)
        finally:
            with contextlib.suppress(redis.RedisError):
                delete_prefixed(client, prefix)
