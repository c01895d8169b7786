"""Shared fixtures of the inventory service's container tests.

Written against testcontainers-python 4.15. Images can be pointed at a mirror through the
environment, as our CI does.
"""

import os
import socket

import pytest
from testcontainers.core.config import testcontainers_config
from testcontainers.core.docker_client import DockerClient

REDIS_IMAGE = os.environ.get("REDIS_IMAGE", "redis:7")
POSTGRES_IMAGE = os.environ.get("POSTGRES_IMAGE", "postgres:16")


@pytest.fixture(scope="session")
def redis_image():
    return REDIS_IMAGE


@pytest.fixture(scope="session")
def postgres_image():
    return POSTGRES_IMAGE


@pytest.fixture(scope="session")
def docker_client():
    """The engine the containers run on, for checks testcontainers has no method for."""
    return DockerClient()


@pytest.fixture
def quick_timeouts(monkeypatch):
    """Readiness checks give up after about a second instead of two minutes."""
    monkeypatch.setattr("testcontainers.core.config.testcontainers_config.max_tries", 5)
    monkeypatch.setattr(testcontainers_config, "sleep_time", 0.2)
    assert testcontainers_config.timeout == pytest.approx(1.0)


@pytest.fixture
def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
