"""Bazel's entry point for the engine selections: start an engine, run pytest against it.

``DOCKYARD_TEST_ENGINE`` names the engine: ``tls`` (a second dockerd over TCP with TLS,
second_docker.py), ``podman`` (podman system service, podman_service.py) or ``ssh`` (the
main engine through sshd on loopback, ssh_server.py). The runner starts it, copies the
images the target lists into it, points DOCKER_HOST (and the TLS variables) at it, runs the
given test files with pytest_main.py (a process per file, three at a time), and removes
the engine afterwards, also when Bazel stops the test with SIGTERM.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from machine_lock import take_machine_lock  # noqa: E402
from podman_service import PodmanService, start_podman  # noqa: E402
from second_docker import SecondDocker, start_second_docker  # noqa: E402
from ssh_server import SshServer, start_ssh_server  # noqa: E402
from transfer import transfer_images  # noqa: E402

ENGINES = ("tls", "podman", "ssh")


def _bazel_tools() -> Path:
    """tools/bazel of the runfiles (pytest_main.py and image_env.py are sources of ours)."""
    runfiles = os.environ.get("TEST_SRCDIR", "")
    workspace = os.environ.get("TEST_WORKSPACE", "")
    root = Path(runfiles, workspace) if runfiles else HERE.parent.parent
    return root / "tools" / "bazel"


def groups(test_files: list[str]) -> list[list[str]]:
    """One pytest process per test file: each directory's conftest.py is a module named
    ``conftest``, basenames repeat across directories (test_network.py), and files can run
    side by side against the one engine (DOCKYARD_ENGINE_JOBS at a time, 3 by default)."""
    return [[path] for path in test_files]


Result = tuple[list[str], int, float, str]


def run_groups(file_groups: list[list[str]], jobs: int) -> list[Result]:
    """Run the groups ``jobs`` at a time: (files, exit code, seconds, output), in order."""
    outputs = os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR")
    pending = list(enumerate(file_groups))
    running: list[tuple[int, list[str], subprocess.Popen[bytes], float, Any]] = []
    done: dict[int, Result] = {}
    try:
        while pending or running:
            while pending and len(running) < jobs:
                index, files = pending.pop(0)
                env = dict(os.environ)
                env.setdefault("PYTEST_ADDOPTS", "--durations=5")
                if outputs:
                    env["XML_OUTPUT_FILE"] = os.path.join(outputs, f"group-{index}.xml")
                else:
                    env.pop("XML_OUTPUT_FILE", None)
                log = tempfile.TemporaryFile()  # noqa: SIM115 (closed once the child ends)
                argv = [sys.executable, str(_bazel_tools() / "pytest_main.py"), *files]
                child = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
                running.append((index, files, child, time.monotonic(), log))
            time.sleep(0.2)
            for entry in list(running):
                index, files, child, began, log = entry
                if child.poll() is None:
                    continue
                running.remove(entry)
                log.seek(0)
                text = log.read().decode(errors="replace")
                log.close()
                done[index] = (files, child.returncode, time.monotonic() - began, text)
    except BaseException:
        for _, _, child, _, _ in running:
            child.terminate()
        for _, _, child, _, _ in running:
            child.wait(timeout=30)
        raise
    return [done[i] for i in sorted(done)]


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(f"stopped by signal {signum}")


Engine = SecondDocker | PodmanService | SshServer


def start(kind: str) -> Engine:
    if kind == "tls":
        return start_second_docker()
    if kind == "ssh":
        return start_ssh_server()
    if kind == "podman":
        return start_podman()
    raise SystemExit(f"DOCKYARD_TEST_ENGINE={kind!r}: choose one of {', '.join(ENGINES)}")


def load_images(engine: Engine, tags: list[str]) -> float:
    """The listed images into the engine under test (the ssh one is the main engine)."""
    if isinstance(engine, SecondDocker):
        return transfer_images(tags, [*engine.local_cli(), "load", "-q"])
    if isinstance(engine, PodmanService):
        return transfer_images(tags, [*engine.podman(), "load", "-q"], engine.podman_env())
    return 0.0


def main(test_files: list[str]) -> int:
    kind = os.environ.get("DOCKYARD_TEST_ENGINE", "")
    sys.path.insert(0, str(_bazel_tools()))
    from image_env import read_records

    tags = [record["tag"] for record in read_records(os.environ)]
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    waited = time.monotonic()
    lock = take_machine_lock() if kind != "ssh" else None
    if time.monotonic() - waited > 1:
        print(f"engine {kind}: waited {time.monotonic() - waited:.1f}s for another engine run")
    try:
        return _run_on(kind, tags, test_files)
    finally:
        if lock is not None:
            lock.close()


def _run_on(kind: str, tags: list[str], test_files: list[str]) -> int:
    started = time.monotonic()
    engine = start(kind)
    failed: list[str] = []
    try:
        up = time.monotonic() - started
        loaded = load_images(engine, tags)
        print(
            f"engine {kind} at {engine.url}: up in {up:.1f}s, {len(tags)} images loaded in "
            f"{loaded:.1f}s",
            flush=True,
        )
        os.environ.update(engine.environment())
        os.environ["DOCKYARD_ENGINE_UNDER_TEST"] = kind
        began = time.monotonic()
        jobs = int(os.environ.get("DOCKYARD_ENGINE_JOBS", "3"))
        for files, code, seconds, text in run_groups(groups(test_files), jobs):
            print(text, flush=True)
            print(f"engine {kind}: {' '.join(files)}: exit {code} in {seconds:.1f}s", flush=True)
            if code != 0:
                failed.extend(files)
        print(f"engine {kind}: tests took {time.monotonic() - began:.1f}s", flush=True)
    finally:
        stopping = time.monotonic()
        engine.stop()
        print(f"engine {kind} removed in {time.monotonic() - stopping:.1f}s", flush=True)
    if failed:
        print(f"engine {kind}: failures in {', '.join(failed)}", flush=True)
    return 1 if failed else 0


def hold(kind: str, tags: list[str]) -> int:
    """Start the engine, load ``tags``, print its environment and keep it until SIGTERM or
    Ctrl-C: for running tests against it by hand (docs/engines.md)."""
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    lock = take_machine_lock() if kind != "ssh" else None
    engine = start(kind)
    try:
        load_images(engine, tags)
        for key, value in engine.environment().items():
            print(f"export {key}={value}")
        print(f"export DOCKYARD_ENGINE_UNDER_TEST={kind}", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        engine.stop()
        if lock is not None:
            lock.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--hold"]:
        sys.exit(hold(os.environ.get("DOCKYARD_TEST_ENGINE", ""), sys.argv[2:]))
    sys.exit(main(sys.argv[1:]))
