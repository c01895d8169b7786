"""Podman as a Docker engine: ``podman system service`` on a unix socket of our own.

Rootful Podman (Debian's 4.3) with private storage (``--root``, ``--runroot``,
``--tmpdir``) and a private network configuration directory, so nothing of it outlives
the run and the machine's own Podman state is untouched. The containers.conf given through
CONTAINERS_CONF sets ``default_ulimits = []`` (setting rlimits is not permitted here, and
every start fails without it), the cgroupfs manager and a file events log (no systemd).

Podman's default network (``podman``, bridge ``podman0``, 10.88.0.0/16) is one per
machine whatever the configuration directory: runs take turns (machine_lock.py).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from second_docker import BASE, EngineStartError, _run, dead_runs, remove_tree

PREFIX = "dockyard-podman-"
START_TIMEOUT = 60.0

CONTAINERS_CONF = """\
[containers]
default_ulimits = []

[network]
network_config_dir = "{networks}"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "{events}"
"""


def _podman_argv(directory: Path) -> list[str]:
    return [
        "podman",
        "--root",
        str(directory / "root"),
        "--runroot",
        str(directory / "run"),
        "--tmpdir",
        str(directory / "tmp"),
        "--storage-driver",
        "overlay",
    ]


def _environment(directory: Path) -> dict[str, str]:
    return {**os.environ, "CONTAINERS_CONF": str(directory / "containers.conf")}


def _remove_all(directory: Path) -> None:
    podman = _podman_argv(directory)
    env = _environment(directory)
    subprocess.run(
        [*podman, "rm", "-a", "-f", "-t", "0"], env=env, capture_output=True, check=False
    )
    subprocess.run([*podman, "network", "prune", "-f"], env=env, capture_output=True, check=False)


def sweep_leftovers() -> None:
    """Remove what Podman services of dead processes left (with the lock held)."""
    for directory in dead_runs(PREFIX):
        with contextlib.suppress(OSError, ValueError):
            os.kill(int((directory / "service.pid").read_text()), signal.SIGKILL)
        _remove_all(directory)
        remove_tree(directory)


@dataclass
class PodmanService:
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def socket_path(self) -> Path:
        return self.directory / "podman.sock"

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def environment(self) -> dict[str, str]:
        return {"DOCKER_HOST": self.url}

    def podman(self) -> list[str]:
        return _podman_argv(self.directory)

    def podman_env(self) -> dict[str, str]:
        return _environment(self.directory)

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = (self.directory / "service.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        _remove_all(self.directory)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        remove_tree(self.directory)


def start_podman() -> PodmanService:
    if shutil.which("podman") is None:
        raise EngineStartError("podman is missing: run tools/bootstrap/engines.sh")
    sweep_leftovers()
    directory = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=BASE))
    directory.chmod(0o700)
    (directory / "networks").mkdir()
    (directory / "tmp").mkdir()
    (directory / "containers.conf").write_text(
        CONTAINERS_CONF.format(networks=directory / "networks", events=directory / "events.log"),
        encoding="utf-8",
    )
    socket_path = directory / "podman.sock"
    with open(directory / "service.log", "wb") as log_file:
        process = subprocess.Popen(
            [
                *_podman_argv(directory),
                "system",
                "service",
                "--time=0",
                f"unix://{socket_path}",
            ],
            env=_environment(directory),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    (directory / "service.pid").write_text(str(process.pid), encoding="ascii")
    service = PodmanService(directory, process)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = service.log_tail()
            service.stop()
            raise EngineStartError(f"podman system service exited: {tail}")
        probe = _run(
            "docker", "-H", service.url, "version", "--format", "{{.Server.Version}}", check=False
        )
        if probe.returncode == 0:
            return service
        time.sleep(0.3)
    tail = service.log_tail()
    service.stop()
    raise EngineStartError(
        f"podman system service did not answer within {START_TIMEOUT:.0f}s: {tail}"
    )
