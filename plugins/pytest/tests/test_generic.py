"""The generic fixtures (any container, networks), the report sections of a failed test,
start times, and keeping the containers of failed tests."""

from __future__ import annotations

import docker
import pytest
from conftest import RunPytest, containers_with

# A container that says a known line, then idles; the image is one the test run substitutes.
PRELUDE = """
import pytest
from dockyard.core import DockerContainer, LogMessageWaitStrategy

def talker(word="hello-from-the-container"):
    return (
        DockerContainer("redis:7")
        .with_entrypoint(["sh", "-c", f"echo {word}; exec sleep 300"])
        .with_exposed_ports(6379)
        .waiting_for(LogMessageWaitStrategy(word))
    )
"""


def test_function_and_session_containers_live_as_long_as_their_scope(
    pytester: pytest.Pytester, inner: RunPytest, label: str
) -> None:
    pytester.makepyfile(
        PRELUDE
        + """
SEEN = []

@pytest.fixture(scope="session")
def shared(dockyard_session_container):
    return dockyard_session_container(talker())

def test_one(dockyard_container, shared):
    mine = dockyard_container(talker())
    assert mine.exec(["echo", "ok"]).exit_code == 0
    SEEN.append((mine.id, shared.id))

def test_two(dockyard_container, shared):
    import docker.errors
    mine = dockyard_container(talker())
    first_own, first_shared = SEEN[0]
    assert shared.id == first_shared and mine.id != first_own
    with pytest.raises(docker.errors.NotFound):   # the first test's own is gone
        mine.get_docker_client().containers.get(first_own)
"""
    )
    inner("--dockyard-label", label).assert_outcomes(passed=2)
    assert containers_with(label) == []


def test_a_network_outlives_the_containers_of_its_test(
    pytester: pytest.Pytester, inner: RunPytest, label: str
) -> None:
    pytester.makepyfile(
        PRELUDE
        + """
def test_peers(dockyard_container, dockyard_network):
    server = dockyard_container(talker().with_network(dockyard_network).with_network_aliases("srv"))
    client = dockyard_container(talker("client").with_network(dockyard_network))
    assert client.exec(["redis-cli", "-h", "srv", "ping"]).exit_code in (0, 1)
    assert server.network_aliases(dockyard_network.name) == ["srv"]
"""
    )
    inner("--dockyard-label", label).assert_outcomes(passed=1)
    assert containers_with(label) == []
    client = docker.from_env()
    try:
        assert not [
            n
            for n in client.networks.list()
            if n.name.startswith("dockyard-") and label.split("=")[1] in str(n.attrs.get("Labels"))
        ]
    finally:
        client.close()


def test_a_failed_test_gets_the_last_log_lines_of_its_containers(
    pytester: pytest.Pytester, inner: RunPytest, label: str
) -> None:
    pytester.makepyfile(
        PRELUDE
        + """
def test_fails(dockyard_container):
    dockyard_container(talker())
    assert False, "the test's own failure"

def test_passes(dockyard_container):
    dockyard_container(talker("quiet"))
"""
    )
    result = inner("--dockyard-label", label)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- dockyard: last 50 log lines of * (dockyard.local/redis:7) -*",
            "hello-from-the-container",
        ]
    )
    assert "quiet" not in result.stdout.str()
    result = inner("--dockyard-label", label, "--dockyard-log-lines", "0")
    assert "log lines of" not in result.stdout.str()


def test_start_times_show_at_v_and_with_durations(
    pytester: pytest.Pytester, inner: RunPytest, label: str
) -> None:
    pytester.makepyfile(
        PRELUDE + "\ndef test_x(dockyard_container):\n    dockyard_container(talker())\n"
    )
    quiet = inner("--dockyard-label", label)
    assert "container start times" not in quiet.stdout.str()
    for flag in ("-v", "--durations=5"):
        result = inner("--dockyard-label", label, flag)
        result.stdout.fnmatch_lines(
            [
                "*= dockyard: container start times =*",
                "*.*s started * (dockyard.local/redis:7) for test_start_times*::test_x",
            ]
        )


def test_keep_on_failure_leaves_a_failed_tests_containers_and_says_how_to_remove_them(
    pytester: pytest.Pytester, inner: RunPytest, label: str
) -> None:
    pytester.makepyfile(
        PRELUDE
        + """
def test_fails(dockyard_container, dockyard_network):
    dockyard_container(talker("kept").with_network(dockyard_network))
    assert False

def test_passes(dockyard_container):
    dockyard_container(talker("removed"))
"""
    )
    result = inner("--dockyard-label", label, "--dockyard-keep-on-failure")
    result.assert_outcomes(passed=1, failed=1)
    output = result.stdout.str()
    assert "removed" not in output
    result.stdout.fnmatch_lines(
        [
            "*= dockyard: kept after failed tests (--dockyard-keep-on-failure) =*",
            "* (dockyard.local/redis:7), id *, kept for test_keep*::test_fails",
            "  reach:  6379/tcp at *:*",
            "  look:   docker logs *; docker exec -it * sh",
            "  remove: docker rm -f -v *",
            "network dockyard-*: remove with docker network rm dockyard-*",
        ]
    )
    kept = containers_with(label)
    assert len(kept) == 1, kept
    assert f"docker rm -f -v {docker.from_env().containers.get(kept[0]).id}" in output
    client = docker.from_env()
    try:
        container = client.containers.get(kept[0])
        assert container.status == "running"
        networks = list(container.attrs["NetworkSettings"]["Networks"])
        container.remove(force=True, v=True)
        for name in networks:
            if name.startswith("dockyard-"):
                client.networks.get(name).remove()
    finally:
        client.close()
