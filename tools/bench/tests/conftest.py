"""Shared set-up for the benchmark tools' tests: warnings fail, sockets live in a short path."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# A bare `pytest tools/bench/tests` imports the tools as Bazel's runfiles do.
BENCH_ROOT = Path(__file__).resolve().parent.parent
if str(BENCH_ROOT) not in sys.path:
    sys.path.insert(0, str(BENCH_ROOT))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("filterwarnings", "error")


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    """A directory for unix sockets: pytest's tmp_path can exceed the 107-byte path limit."""
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        yield Path(directory)
