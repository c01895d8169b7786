"""Any image with dockyard-pytest: a container per test, a network, a session container.

pip install dockyard-pytest
pytest examples/any_container.py            # or: python examples/any_container.py
"""

from __future__ import annotations

from typing import Any

import pytest

from dockyard.core import DockerContainer, LogMessageWaitStrategy, Network


def echo_server(word: str) -> DockerContainer:
    return (
        DockerContainer("redis:7")
        .with_exposed_ports(6379)
        .waiting_for(LogMessageWaitStrategy("Ready to accept connections"))
        .with_env("GREETING", word)
    )


@pytest.fixture(scope="session")
def cache(dockyard_session_container: Any) -> DockerContainer:
    # Started once for the session, stopped after the last test.
    server: DockerContainer = dockyard_session_container(echo_server("session"))
    return server


def test_a_container_of_this_tests_own(dockyard_container: Any, cache: DockerContainer) -> None:
    mine = dockyard_container(echo_server("mine"))  # stopped when the test ends
    assert mine.mapped_port(6379) != cache.mapped_port(6379)


def test_peers_on_a_network(dockyard_container: Any, dockyard_network: Network) -> None:
    dockyard_container(echo_server("a").with_network(dockyard_network).with_network_aliases("a"))
    peer = dockyard_container(echo_server("b").with_network(dockyard_network))
    assert peer.exec(["redis-cli", "-h", "a", "ping"]).output.strip() == b"PONG"


if __name__ == "__main__":
    import sys

    # Installed, pytest loads the plugin by itself; -p also loads it from a source tree.
    sys.exit(pytest.main([__file__, "-q", "-p", "dockyard.pytest", "-p", "no:cacheprovider"]))
