"""Running Bazel inside a test: a consumer workspace built against this checkout.

Each nested workspace gets its own output base under ~/.cache/dockyard/nested-bazel/, kept
between runs, so only the first run pays for the Bazel server, the pip install and the
analysis; later runs rebuild and re-test exactly what changed (Bazel's own caching), which
is why the outer targets are tagged `external` (always run) rather than cached by inputs
they could not declare. Servers exit by themselves after a minute idle.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

CACHE = Path(pwd.getpwuid(os.getuid()).pw_dir) / ".cache" / "dockyard" / "nested-bazel"
PASSTHROUGH = ("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")
RESULT_RE = re.compile(r"^(//\S+)\s+(\(cached\) )?(PASSED|FAILED|TIMEOUT|NO STATUS|FLAKY)", re.M)


def checkout() -> Path:
    """The source tree this test was built from (the runfile WORKSPACE links into it)."""
    runfiles = Path(os.environ["TEST_SRCDIR"]) / os.environ["TEST_WORKSPACE"]
    return (runfiles / "WORKSPACE").resolve().parent


@dataclass
class Run:
    returncode: int
    output: str
    seconds: float

    def results(self) -> dict[str, str]:
        """``{"//pkg:target": "PASSED" | "(cached) PASSED" | "FAILED" …}``."""
        found = RESULT_RE.finditer(self.output)
        return {m.group(1): (m.group(2) or "") + m.group(3) for m in found}

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


class NestedBazel:
    """``bazel`` in ``workspace`` with an output base of its own."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        key = hashlib.sha256(str(workspace).encode()).hexdigest()[:16]
        self.output_base = CACHE / key / "output_base"
        self.output_base.parent.mkdir(parents=True, exist_ok=True)

    def env(self) -> dict[str, str]:
        account = pwd.getpwuid(os.getuid())
        env = {
            "HOME": account.pw_dir,
            "USER": account.pw_name,
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        }
        env.update({name: os.environ[name] for name in PASSTHROUGH if name in os.environ})
        return env

    def run(self, *args: str, timeout: float = 1200) -> Run:
        command = [
            "bazel",
            f"--output_base={self.output_base}",
            "--max_idle_secs=60",
            *args[:1],
            # No convenience symlinks in the source tree; plain, parseable output.
            "--symlink_prefix=/",
            "--noshow_progress",
            "--color=no",
            "--curses=no",
            *args[1:],
        ]
        started = time.monotonic()
        result = subprocess.run(
            command,
            cwd=self.workspace,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
        )
        seconds = time.monotonic() - started
        summary = f"$ {' '.join(command)}\n# {seconds:.1f}s, exit {result.returncode}\n"
        # Kept with the outer test's outputs (test.outputs/), where CI shows them.
        outputs = Path(os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR", self.output_base.parent))
        with open(outputs / "nested-bazel.log", "a") as log:
            log.write(summary + result.stdout + "\n")
        print(summary, end="")
        return Run(result.returncode, result.stdout, seconds)

    def test_output(self, target: str, name: str) -> str:
        """A file the test wrote to $TEST_UNDECLARED_OUTPUTS_DIR in its last run."""
        info = subprocess.run(
            ["bazel", f"--output_base={self.output_base}", "info", "bazel-testlogs"],
            cwd=self.workspace,
            env=self.env(),
            capture_output=True,
            text=True,
            check=True,
        )
        package, _, test = target.removeprefix("//").partition(":")
        outputs = Path(info.stdout.strip()) / package / test / "test.outputs"
        archive = outputs / "outputs.zip"
        if archive.is_file():
            with zipfile.ZipFile(archive) as zipped:
                return zipped.read(name).decode()
        return (outputs / name).read_text()


@pytest.fixture(scope="session")
def repo() -> Path:
    root = checkout()
    if not (root / "tools" / "bazel" / "deps.bzl").is_file():
        pytest.fail(f"{root} is not a Dockyard checkout (run under bazel test)")
    return root
