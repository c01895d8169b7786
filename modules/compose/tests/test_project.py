"""The project made of the user's files: names, file lookup and the labelling override
(pure functions; no engine)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dockyard.compose import ComposeFileError
from dockyard.compose._project import compose_files, new_project_name, override

LABELS = {"org.testcontainers.sessionId": "s1"}
MODEL = {
    "services": {
        "web": {"build": {"context": "/src"}},
        "cache": {"image": "redis:7"},
        "local": {"image": "dockyard.local/client:1"},
    },
    "networks": {"default": {"name": "p_default"}, "shared": {"external": True}},
    "volumes": {"data": {"name": "p_data"}, "outside": {"external": True, "name": "x"}},
}


def test_every_service_network_and_own_volume_gets_the_labels() -> None:
    result = override(MODEL, LABELS, lambda image: image)
    assert set(result["services"]) == {"web", "cache", "local"}
    assert all(s["labels"] == LABELS for s in result["services"].values())
    assert result["services"]["web"]["build"] == {"labels": LABELS}  # the built image too
    assert result["networks"] == {"default": {"labels": LABELS}}  # not the external one
    assert result["volumes"] == {"data": {"labels": LABELS}}


def test_substitution_applies_to_images_only_where_it_changes_them() -> None:
    def substitute(image: str) -> str:
        return "dockyard.local/redis:7" if image == "redis:7" else image

    services = override(MODEL, LABELS, substitute)["services"]
    assert services["cache"]["image"] == "dockyard.local/redis:7"
    assert "image" not in services["local"] and "image" not in services["web"]


def test_project_names_are_valid_for_compose_and_unique() -> None:
    names = {new_project_name(Path("/x/My Project.v2")) for _ in range(50)}
    assert len(names) == 50
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name) for name in names)
    assert all(name.startswith("dockyard-my-project-v2-") for name in names)


def test_files_are_found_as_compose_finds_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COMPOSE_FILE", raising=False)
    (tmp_path / "docker-compose.yml").write_text("services: {}\n")
    assert compose_files(tmp_path, None) == ["docker-compose.yml"]
    (tmp_path / "compose.yaml").write_text("services: {}\n")
    (tmp_path / "compose.override.yaml").write_text("services: {}\n")
    assert compose_files(tmp_path, None) == ["compose.yaml", "compose.override.yaml"]
    assert compose_files(tmp_path, ["docker-compose.yml"]) == ["docker-compose.yml"]
    monkeypatch.setenv("COMPOSE_FILE", "a.yaml:b.yaml")
    monkeypatch.setenv("COMPOSE_PATH_SEPARATOR", ":")
    assert compose_files(tmp_path, None) == ["a.yaml", "b.yaml"]
    with pytest.raises(ComposeFileError, match=r"missing\.yaml not found"):
        compose_files(tmp_path, ["compose.yaml", "missing.yaml"])


def test_testcontainers_python_names_are_all_there() -> None:
    import dockyard.compose as compose

    for name in (
        "ComposeContainer",
        "ContainerIsNotRunning",
        "DockerCompose",
        "NoSuchPortExposed",
        "PublishedPortModel",
    ):
        assert hasattr(compose, name), name
    for method in (
        "docker_compose_command",
        "compose_command_property",
        "waiting_for",
        "start",
        "stop",
        "get_logs",
        "get_config",
        "get_containers",
        "get_container",
        "exec_in_container",
        "get_service_port",
        "get_service_host",
        "get_service_host_and_port",
        "wait_for",
    ):
        assert hasattr(compose.DockerCompose, method), method
    for method in (
        "get_publisher",
        "get_container_host_ip",
        "get_exposed_port",
        "get_logs",
        "get_wrapped_container",
        "get_container_info",
        "reload",
        "status",
    ):
        assert hasattr(compose.ComposeContainer, method), method
    assert issubclass(compose.ServiceNotRunningError, compose.ContainerIsNotRunning)
    assert issubclass(compose.ServicePortNotPublishedError, compose.NoSuchPortExposed)
