"""Finding Docker Compose v2: the docker CLI's plugin directories, a configured binary, or a
named docker CLI; and a ConfigurationError saying how to install it when there is none."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockyard.compose import ComposeNotFoundError, DockerCompose, find_compose
from dockyard.compose import _cli as cli
from dockyard.core import ConfigurationError

from conftest import DATA


def test_the_installed_plugin_is_compose_v2() -> None:
    found = find_compose()
    assert found.version.startswith("v2.")
    assert DockerCompose(DATA / "pair").get_config()["services"]["cache"]


def test_a_configured_binary_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    installed = find_compose().prefix
    plugin = next(part for part in installed if part.endswith("docker-compose"))
    monkeypatch.setenv(cli.PLUGIN_ENV, plugin)
    assert find_compose().prefix == (plugin,)


def test_docker_command_path_runs_compose_through_that_cli() -> None:
    found = find_compose("docker")
    assert found.prefix == ("docker", "compose")
    environment = DockerCompose(DATA / "pair", docker_command_path="docker")
    assert environment.docker_compose_command()[:2] == ["docker", "compose"]
    assert "cache" in environment.get_config()["services"]


def test_a_missing_configured_binary_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(cli.PLUGIN_ENV, str(tmp_path / "docker-compose"))
    environment = DockerCompose(DATA / "pair")
    with pytest.raises(ComposeNotFoundError, match="is not an executable file") as raised:
        environment.start()
    assert isinstance(raised.value, ConfigurationError)
    assert "tools/bootstrap/compose.sh" in str(raised.value)


def test_compose_v1_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    old = tmp_path / "docker-compose"
    old.write_text("#!/bin/sh\necho 'docker-compose version 1.29.2, build unknown'\n")
    old.chmod(0o755)
    monkeypatch.setenv(cli.PLUGIN_ENV, str(old))
    with pytest.raises(ComposeNotFoundError, match="is not Docker Compose v2"):
        find_compose()


def test_no_plugin_anywhere_lists_where_it_looked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cli, "SYSTEM_PLUGIN_DIRS", ())
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))
    monkeypatch.setenv("PATH", str(tmp_path))  # no docker CLI either
    monkeypatch.delenv(cli.PLUGIN_ENV, raising=False)
    with pytest.raises(ComposeNotFoundError, match="was not found") as raised:
        find_compose()
    message = str(raised.value)
    assert str(tmp_path / "docker-config" / "cli-plugins") in message
    assert "tools/bootstrap/compose.sh" in message and cli.PLUGIN_ENV in message
