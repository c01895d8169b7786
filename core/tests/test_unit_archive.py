"""Tar helpers for copy_to/copy_from (pure logic, no engine)."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from dockyard.core import ConfigurationError
from dockyard.core._archive import archive_for, extract_archive


def test_bytes_archive_creates_parents_at_root() -> None:
    data = archive_for(b"hi", "/opt/app/conf.txt")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert tar.getnames() == ["opt/app/conf.txt"]
    with pytest.raises(ConfigurationError):
        archive_for(b"x", "relative/path")


@pytest.mark.parametrize("without_data_filter", [False, True])
def test_extract_round_trip_and_refuses_escapes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, without_data_filter: bool
) -> None:
    if without_data_filter:  # Debian's Python 3.11.2 (used by Bazel) predates the filter
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    # get_archive returns members named after the basename of the source path
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("file.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    out = extract_archive([buffer.getvalue()], "/x/file.txt", tmp_path / "f.txt")
    assert out.read_bytes() == b"hello"

    evil = io.BytesIO()
    with tarfile.open(fileobj=evil, mode="w") as tar:
        info = tarfile.TarInfo("../../escape.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"!"))
    with pytest.raises((ConfigurationError, tarfile.TarError)):
        extract_archive([evil.getvalue()], "/escape.txt", tmp_path / "e")
    assert not (tmp_path.parent / "escape.txt").exists()
