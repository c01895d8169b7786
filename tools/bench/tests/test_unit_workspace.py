"""`bazel run` gets the test run's image substitutions from the checkout's image manifest."""

from __future__ import annotations

from pathlib import Path

import pytest
from workspace import SUBSTITUTIONS, SubstitutionsNotFound, image_substitutions


def test_the_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SUBSTITUTIONS, "redis=mine/redis:7")
    assert image_substitutions() == "redis=mine/redis:7"


def test_read_from_the_image_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = tmp_path / "tools" / "images" / "images.toml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(
        '[images.redis]\nrecipe = "redis"\ntag = "local/redis:7"\nupstream = "redis:7"\n'
        'deps = []\nbuilder = "dockerfile"\nprepare = ""\nsummary = "x"\n'
    )
    monkeypatch.delenv(SUBSTITUTIONS, raising=False)
    monkeypatch.setenv("BUILD_WORKSPACE_DIRECTORY", str(tmp_path))
    assert image_substitutions() == "redis=local/redis:7"


def test_says_what_to_do_without_either(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SUBSTITUTIONS, raising=False)
    monkeypatch.setenv("BUILD_WORKSPACE_DIRECTORY", str(tmp_path))
    with pytest.raises(SubstitutionsNotFound, match="bazel run //tools/bench:cycles"):
        image_substitutions()
