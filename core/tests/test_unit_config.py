"""Configuration precedence and parsing (pure logic, no engine)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockyard.core import ConfigurationError, PullPolicy, load_config
from dockyard.core._config import DEFAULT_RYUK_IMAGE, env_name_for, parse_properties
from dockyard.core._engine import client_environment

ALL_ENV = [
    "TESTCONTAINERS_RYUK_DISABLED",
    "TESTCONTAINERS_RYUK_CONTAINER_IMAGE",
    "TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX",
    "TESTCONTAINERS_REUSE_ENABLE",
    "TESTCONTAINERS_PULL_POLICY",
    "DOCKYARD_STARTUP_TIMEOUT",
    "TESTCONTAINERS_HOST_OVERRIDE",
]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    for name in ALL_ENV:
        monkeypatch.delenv(name, raising=False)


def write_props(home: Path, text: str) -> None:
    (home / ".testcontainers.properties").write_text(text, encoding="utf-8")


def test_defaults_without_file_or_env() -> None:
    config = load_config()
    assert config.ryuk_disabled is False
    assert config.ryuk_image == DEFAULT_RYUK_IMAGE
    assert config.reuse_enabled is False
    assert config.pull_policy is PullPolicy.MISSING
    assert config.startup_timeout == 60.0
    assert config.hub_image_name_prefix == ""


def test_properties_file_is_read(isolated_home: Path) -> None:
    write_props(
        isolated_home,
        "# comment\nryuk.disabled=true\nryuk.container.image = my/ryuk:1\n"
        "hub.image.name.prefix: mirror.local/\ntestcontainers.reuse.enable=true\n"
        "pull.policy=never\n",
    )
    config = load_config()
    assert config.ryuk_disabled is True
    assert config.ryuk_image == "my/ryuk:1"
    assert config.hub_image_name_prefix == "mirror.local/"
    assert config.reuse_enabled is True
    assert config.pull_policy is PullPolicy.NEVER


def test_environment_wins_over_file(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_props(isolated_home, "ryuk.disabled=true\nryuk.container.image=file/ryuk:1\n")
    monkeypatch.setenv("TESTCONTAINERS_RYUK_DISABLED", "false")
    monkeypatch.setenv("TESTCONTAINERS_RYUK_CONTAINER_IMAGE", "env/ryuk:2")
    config = load_config()
    assert config.ryuk_disabled is False
    assert config.ryuk_image == "env/ryuk:2"


def test_read_when_used_not_frozen(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    config = load_config()
    assert config.reuse_enabled is False
    monkeypatch.setenv("TESTCONTAINERS_REUSE_ENABLE", "true")
    assert load_config().reuse_enabled is True
    write_props(isolated_home, "pull.policy=always\n")
    assert load_config().pull_policy is PullPolicy.ALWAYS


def test_home_override_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other-home"
    other.mkdir()
    write_props(other, "hub.image.name.prefix=other.mirror/\n")
    monkeypatch.setenv("HOME", str(other))
    assert load_config().hub_image_name_prefix == "other.mirror/"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TESTCONTAINERS_PULL_POLICY", "sometimes"),
        ("TESTCONTAINERS_RYUK_DISABLED", "maybe"),
        ("DOCKYARD_STARTUP_TIMEOUT", "-3"),
        ("DOCKYARD_STARTUP_TIMEOUT", "soon"),
    ],
)
def test_bad_values_raise_configuration_error(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    config = load_config()
    with pytest.raises(ConfigurationError, match=value):
        _ = (config.pull_policy, config.ryuk_disabled, config.startup_timeout)


def test_env_name_mapping_and_properties_parser() -> None:
    assert env_name_for("ryuk.container.image") == "TESTCONTAINERS_RYUK_CONTAINER_IMAGE"
    assert env_name_for("testcontainers.reuse.enable") == "TESTCONTAINERS_REUSE_ENABLE"
    assert parse_properties("a=1\n!x\nb : two words\nc\n") == {"a": "1", "b": "two words", "c": ""}


def test_version_matches_pyproject() -> None:
    import tomllib
    from pathlib import Path

    from dockyard.core import __version__

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    assert tomllib.loads(pyproject.read_text())["project"]["version"] == __version__


def test_an_empty_environment_variable_does_not_hide_the_properties_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".testcontainers.properties").write_text("ryuk.disabled=true\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TESTCONTAINERS_RYUK_DISABLED", "")
    assert load_config().ryuk_disabled is True


def test_tls_settings_reach_docker_py_with_a_configured_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import docker

    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("not a real certificate")
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tmp_path))
    kwargs = docker.utils.kwargs_from_env(
        environment=client_environment("tcp://engine.example:2376")
    )
    assert kwargs["base_url"] == "tcp://engine.example:2376"
    tls = kwargs["tls"]
    assert tls.verify is True
    assert tls.ca_cert == str(tmp_path / "ca.pem")
    assert tls.cert == (str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))
