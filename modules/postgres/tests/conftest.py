"""Shared fixtures of the postgres module's tests.

The containers use the module's default image (``postgres:16``); the test run maps
it to the local build with DOCKYARD_IMAGE_SUBSTITUTIONS (see
tools/images/images.toml). Each test module shares one container
through module-scoped fixtures to keep the run short.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from image_manifest import local_image

from dockyard.postgres import PostgresContainer

DATA = Path(__file__).resolve().parent / "data"

#: The client image with psql and redis-cli (tools/images/images.toml).
CLIENT_IMAGE = local_image("client")


@pytest.fixture(scope="module")
def pg() -> Iterator[PostgresContainer]:
    """One default PostgresContainer for the whole test module."""
    with PostgresContainer() as container:
        yield container


def speaking_german(container: PostgresContainer) -> PostgresContainer:
    """Make the server log (and answer) in German with its own Debian message catalog."""
    return container.with_env("LANGUAGE", "de").with_server_setting("lc_messages", "C.UTF-8")
