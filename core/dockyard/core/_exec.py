"""What running a command inside a container gives back, and how to ask for it."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple


class ExecResult(NamedTuple):
    """What ``exec`` returns: the exit code and the combined stdout/stderr output."""

    exit_code: int
    output: bytes


@dataclass(frozen=True)
class ExecConfig:
    """A command with the user, environment, working directory and privilege to run it with.

    testcontainers-python's name; ``exec()`` takes one of these or a plain command.
    """

    command: str | Sequence[str]
    user: str | None = None
    environment: Mapping[str, str] | None = None
    workdir: str | os.PathLike[str] | None = None
    privileged: bool = False
