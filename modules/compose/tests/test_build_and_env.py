"""``build=`` from a local Dockerfile, env files, and image substitution of service images."""

from __future__ import annotations

import pytest

from dockyard.compose import ComposeFileError, DockerCompose
from dockyard.core import current_session

from conftest import DATA, engine, leftovers, nothing_left, redis_ping


def test_build_makes_the_image_from_the_local_dockerfile_and_stop_removes_it() -> None:
    environment = DockerCompose(DATA / "build", build=True, quiet_build=True)
    with environment:
        out, _, code = environment.exec_in_container(["cat", "/srv/greeting.txt"], "app")
        assert (out.strip(), code) == ("hello from the build context", 0)
        out, _, _ = environment.exec_in_container(["printenv", "APP_MODE"], "app")
        assert out.strip() == "built"
        images = leftovers(environment.project_name)["images"]
        assert len(images) == 1
        client = engine()
        try:
            labels = client.api.inspect_image(images[0].split(":", 1)[1])["Config"]["Labels"]
        finally:
            client.close()
        # Labelled for the session's reaper, like the containers.
        assert labels["org.testcontainers.sessionId"] == current_session().id
    assert nothing_left(environment.project_name)


def test_env_files_interpolate_the_compose_file() -> None:
    with DockerCompose(DATA / "envfile", env_file="test.env") as environment:
        out, _, _ = environment.exec_in_container(["printenv", "GREETING"], "greeter")
        assert out.strip() == "hello from test.env"
        out, _, _ = environment.exec_in_container(["printenv", "FROM_SERVICE_ENV"], "greeter")
        assert out.strip() == "yes"
        assert environment.get_container("greeter").running.image == "dockyard.local/redis:7"
    # Later files win; a list is passed in its order.
    with DockerCompose(DATA / "envfile", env_file=["test.env", "other.env"]) as environment:
        out, _, _ = environment.exec_in_container(["printenv", "GREETING"], "greeter")
        assert out.strip() == "hello from other.env"


def test_a_variable_the_env_file_should_set_is_a_file_error() -> None:
    environment = DockerCompose(DATA / "envfile")  # no env file: CACHE_IMAGE is unset
    with pytest.raises(ComposeFileError, match="set CACHE_IMAGE in the env file") as raised:
        environment.start()
    assert "CACHE_IMAGE" in raised.value.compose_output
    assert nothing_left(environment.project_name)


def test_service_images_go_through_image_substitution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKYARD_IMAGE_SUBSTITUTIONS", "redis=dockyard.local/redis:7")
    with DockerCompose(DATA / "upstream_names") as environment:
        container = environment.get_container("cache")
        assert container.running.image == "dockyard.local/redis:7"
        assert redis_ping(container.host(), container.mapped_port(6379)) == b"+PONG\r\n"
