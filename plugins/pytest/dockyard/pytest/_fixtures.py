"""The fixtures every run has: the run itself, any container, a network."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, TypeVar

import pytest

from dockyard.core import DockerContainer, Network

from ._run import DockyardRun, Reach

__all__ = [
    "StartContainer",
    "dockyard",
    "dockyard_container",
    "dockyard_network",
    "dockyard_session_container",
    "dockyard_session_network",
    "run_of",
]

C = TypeVar("C", bound=DockerContainer)
RUN = pytest.StashKey[DockyardRun]()


class StartContainer(Protocol):
    """``start(container, reach=None)``: the container, started, for the fixture's scope."""

    def __call__(self, container: C, *, reach: Reach | None = None) -> C: ...


def run_of(config: pytest.Config) -> DockyardRun:
    try:
        return config.stash[RUN]
    except KeyError:
        raise pytest.UsageError(
            "dockyard-pytest is not configured in this run (was it registered after "
            "pytest_configure?): load it with -p dockyard.pytest or by installing it."
        ) from None


@pytest.fixture(scope="session")
def dockyard(pytestconfig: pytest.Config) -> DockyardRun:
    """The run's Dockyard state: settings, the engine, and ``start(container, request)``
    for fixtures of your own (same stop, keep and diagnostics as the plugin's)."""
    return run_of(pytestconfig)


def _starter(run: DockyardRun, request: pytest.FixtureRequest) -> StartContainer:
    def start(container: C, *, reach: Reach | None = None) -> C:
        if not isinstance(container, DockerContainer):
            raise TypeError(
                f"{request.fixturename}() takes a dockyard.core.DockerContainer (or a module's "
                f"container), not {container!r}"
            )
        return run.start(container, request, reach=reach)

    return start


@pytest.fixture
def dockyard_container(dockyard: DockyardRun, request: pytest.FixtureRequest) -> StartContainer:
    """Start any container for this test: ``dockyard_container(DockerContainer("nginx"))``
    returns it started; it is stopped when the test ends (kept after a failure with
    --dockyard-keep-on-failure)."""
    return _starter(dockyard, request)


@pytest.fixture(scope="session")
def dockyard_session_container(
    dockyard: DockyardRun, request: pytest.FixtureRequest
) -> StartContainer:
    """Start any container for the whole session (call it from a session fixture); stopped
    after the last test."""
    return _starter(dockyard, request)


def _network(run: DockyardRun, request: pytest.FixtureRequest) -> Iterator[Network]:
    run.require_engine()
    network = Network().create()
    yield network
    if request.scope == "function":
        run.finish_attached(network.name, request.node.nodeid)
    if run.keep(request.node) or run.keeps_containers_on(network.name):
        run.note_kept(f"network {network.name}: remove with docker network rm {network.name}")
        return
    network.remove()


@pytest.fixture
def dockyard_network(dockyard: DockyardRun, request: pytest.FixtureRequest) -> Iterator[Network]:
    """A Docker network of this test's own, removed when it ends (its containers first)."""
    yield from _network(dockyard, request)


@pytest.fixture(scope="session")
def dockyard_session_network(
    dockyard: DockyardRun, request: pytest.FixtureRequest
) -> Iterator[Network]:
    """A Docker network for the whole session, removed after the last test."""
    yield from _network(dockyard, request)
