"""Shared fixtures: one Redis container per test module (module scope).

The tests start the upstream image names (``redis:7``); the test run maps them
to the local builds with ``DOCKYARD_IMAGE_SUBSTITUTIONS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dockyard.redis import RedisContainer

DATA_DIR = Path(__file__).resolve().parent / "data"

#: A password with characters that must be escaped in a URL.
PASSWORD = "s3cret:/@?"


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisContainer]:
    """A Redis server without a password, shared by the tests of one module."""
    with RedisContainer() as server:
        yield server


@pytest.fixture(scope="module")
def redis_with_password() -> Iterator[RedisContainer]:
    """A Redis server with ``requirepass``, shared by the tests of one module."""
    with RedisContainer(password=PASSWORD) as server:
        yield server
