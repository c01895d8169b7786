"""testcontainers-python's spellings: wait_for_logs on a running container, copy and tmpfs."""

from __future__ import annotations

import pytest
from conftest import CLIENT

from dockyard.core import ContainerStartupError, DockerContainer, StartupTimeoutError, wait_for_logs

pytestmark = pytest.mark.usefixtures("no_leftovers")


def shell(script: str) -> DockerContainer:
    return DockerContainer(CLIENT).with_command(["sh", "-c", script])


def test_waits_for_a_line_that_comes_later() -> None:
    with shell("sleep 0.5; echo dockyard-ready; sleep 30") as container:
        assert b"dockyard-ready" not in b"".join(container.get_logs())
        waited = wait_for_logs(container, r"dockyard-\w+", timeout=20)
        assert waited > 0.2
        assert b"dockyard-ready" in b"".join(container.get_logs())


def test_a_function_gets_the_whole_log_text() -> None:
    with shell("for i in 1 2 3; do echo tick $i; sleep 0.1; done; sleep 30") as container:
        wait_for_logs(container, lambda text: text.count("tick") == 3, timeout=20, interval=0.02)


def test_a_container_that_exits_fails_at_once_with_its_exit_code() -> None:
    with shell("sleep 1; echo giving up; exit 3") as container:
        with pytest.raises(ContainerStartupError) as caught:
            wait_for_logs(container, "never printed", timeout=60)
        assert not isinstance(caught.value, StartupTimeoutError)
        assert caught.value.exit_code == 3
        assert "giving up" in str(caught.value.logs)


def test_time_running_out_is_a_startup_timeout() -> None:
    with shell("sleep 30") as container, pytest.raises(StartupTimeoutError):
        wait_for_logs(container, "never printed", timeout=0.5)


def test_copy_and_tmpfs_under_testcontainers_python_names() -> None:
    container = (
        shell("sleep 30")
        .with_tmpfs_mount("/scratch", size="8m")
        .with_copy_into_container(b"before start\n", "/tmp/before.txt")
    )
    with container:
        container.copy_into_container(b"after start\n", "/tmp/after.txt")
        both = container.exec(["cat", "/tmp/before.txt", "/tmp/after.txt"])
        assert both.output == b"before start\nafter start\n"
        size_kib = container.exec(["sh", "-c", "df -k /scratch | tail -1 | awk '{print $2}'"])
        assert int(size_kib.output) == 8192
