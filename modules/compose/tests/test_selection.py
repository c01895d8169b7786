"""Which services run (``services=``, ``profiles=``), and what stop() keeps."""

from __future__ import annotations

import pytest

from dockyard.compose import DockerCompose, ServiceNotRunningError

from conftest import DATA, leftovers


def _running(environment: DockerCompose) -> list[str]:
    return sorted(c.service for c in environment.get_containers())


def test_services_selects_those_and_their_dependencies() -> None:
    with DockerCompose(DATA / "pair", services=["client"]) as environment:
        # client depends_on cache; db is not wanted.
        assert _running(environment) == ["cache", "client"]


def test_profiles_enable_the_services_behind_them() -> None:
    with DockerCompose(DATA / "pair", services=["cache"], profiles=["tools"]) as environment:
        assert _running(environment) == ["cache"]
    with DockerCompose(DATA / "pair", services=["cache", "tool"], profiles=["tools"]) as env:
        assert _running(env) == ["cache", "tool"]
        out, _, code = env.exec_in_container(["redis-cli", "-h", "cache", "ping"], "tool")
        assert (out.strip(), code) == ("PONG", 0)


def test_a_profiled_service_is_known_even_when_its_profile_is_off() -> None:
    # Defined but not running: the "not running" error, not the "unknown service" one.
    with (
        DockerCompose(DATA / "pair", services=["cache"]) as environment,
        pytest.raises(ServiceNotRunningError, match="no running container"),
    ):
        environment.get_container("tool")


def test_keep_volumes_keeps_data_across_a_restart_and_stop_down_false_resumes() -> None:
    environment = DockerCompose(DATA / "crash", keep_volumes=True)
    try:
        environment.start()
        environment.exec_in_container(["sh", "-c", "echo kept > /data/marker"], "cache")
        environment.stop()  # down, but the named volume stays
        found = leftovers(environment.project_name)
        assert found["volumes"] and not found["containers"] and not found["networks"]
        environment.start()
        out, _, _ = environment.exec_in_container(["cat", "/data/marker"], "cache")
        assert out.strip() == "kept"
        environment.stop(down=False)  # only stopped: the containers are still there
        assert leftovers(environment.project_name)["containers"]
        environment.start()
        assert _running(environment) == ["cache"]
    finally:
        environment.keep_volumes = False
        environment.stop()
    assert not any(leftovers(environment.project_name).values())
