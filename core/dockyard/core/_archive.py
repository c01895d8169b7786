"""Tar archives for copying files into and out of containers (put_archive/get_archive)."""

from __future__ import annotations

import io
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from ._errors import ConfigurationError


def _absolute(container_path: str) -> PurePosixPath:
    path = PurePosixPath(container_path)
    if not path.is_absolute() or path == PurePosixPath("/"):
        raise ConfigurationError(
            f"Container path {container_path!r} must be an absolute path below '/'."
        )
    return path


def archive_for(content: bytes | str | Path, container_path: str, mode: int = 0o644) -> bytes:
    """A tar to extract at '/' that creates ``container_path`` (and its parent directories).

    ``content`` is the bytes of a file, or a host file or directory to copy.
    """
    target = _absolute(container_path)
    member = str(target.relative_to("/"))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        if isinstance(content, bytes):
            info = tarfile.TarInfo(member)
            info.size = len(content)
            info.mode = mode
            info.mtime = int(time.time())
            tar.addfile(info, io.BytesIO(content))
        else:
            source = Path(content)
            if not source.exists():
                raise ConfigurationError(
                    f"Cannot copy {source} into the container: it does not exist."
                )
            tar.add(str(source), arcname=member, recursive=True)
    return buffer.getvalue()


def extract_archive(chunks: Iterable[bytes], source_name: str, host_path: str | Path) -> Path:
    """Extract what get_archive returned so that ``host_path`` becomes the copied file/dir."""
    destination = Path(host_path)
    with tempfile.TemporaryDirectory(prefix="dockyard-copy-") as tmp:
        tar_path = Path(tmp) / "archive.tar"
        with tar_path.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(tar_path) as tar:
            _safe_extract(tar, unpacked)
        copied = unpacked / PurePosixPath(source_name).name
        if destination.is_dir() and copied.is_file():
            destination = destination / copied.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if copied.is_dir():
            shutil.copytree(copied, destination, dirs_exist_ok=True)
        else:
            shutil.copy2(copied, destination)
    return destination


def _safe_extract(tar: tarfile.TarFile, destination: Path) -> None:
    """Extract without letting members escape ``destination`` (absolute paths, ``..``, links)."""
    if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4 knows how to do this itself
        tar.extractall(destination, filter="data")
        return
    root = destination.resolve()
    for member in tar.getmembers():
        target = (destination / member.name).resolve()
        if not target.is_relative_to(root) or member.isdev():
            raise ConfigurationError(f"Refusing to extract {member.name!r} from the archive.")
        if (member.issym() or member.islnk()) and (
            Path(member.linkname).is_absolute() or ".." in Path(member.linkname).parts
        ):
            raise ConfigurationError(f"Refusing to extract link {member.name!r}.")
    tar.extractall(destination)
