"""`bazel run` gets the test run's image substitutions from the workspace's .bazelrc."""

from __future__ import annotations

from pathlib import Path

import pytest
from workspace import SUBSTITUTIONS, SubstitutionsNotFound, image_substitutions


def test_the_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SUBSTITUTIONS, "redis=mine/redis:7")
    assert image_substitutions() == "redis=mine/redis:7"


def test_read_from_the_workspace_bazelrc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".bazelrc").write_text(
        "test --test_env=DOCKER_HOST\n"
        f"test --test_env={SUBSTITUTIONS}=postgres=local/postgres:15,redis=local/redis:7\n"
    )
    monkeypatch.delenv(SUBSTITUTIONS, raising=False)
    monkeypatch.setenv("BUILD_WORKSPACE_DIRECTORY", str(tmp_path))
    assert image_substitutions() == "postgres=local/postgres:15,redis=local/redis:7"


def test_says_what_to_do_without_either(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".bazelrc").write_text("build --nosandbox_debug\n")
    monkeypatch.delenv(SUBSTITUTIONS, raising=False)
    monkeypatch.setenv("BUILD_WORKSPACE_DIRECTORY", str(tmp_path))
    with pytest.raises(SubstitutionsNotFound, match="bazel run //tools/bench:cycles"):
        image_substitutions()
