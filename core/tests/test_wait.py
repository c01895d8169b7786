"""Readiness strategies, fail-fast on exit/OOM/abort, and timeouts against the real engine."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import CLIENT, REDIS, not_on_podman, redis_ping

from dockyard.core import (
    AllOf,
    AnyOf,
    CallableWaitStrategy,
    ContainerStartupError,
    DockerContainer,
    ExecWaitStrategy,
    HealthcheckWaitStrategy,
    HttpWaitStrategy,
    LogMessageWaitStrategy,
    PortWaitStrategy,
    ReadinessAbort,
    StartupTimeoutError,
    start_all,
    stop_all,
)
from dockyard.core._wait import DEFAULT_POLL_INTERVAL, listening_ports

pytestmark = pytest.mark.usefixtures("no_leftovers")


def sh(script: str) -> list[str]:
    return ["sh", "-c", script]


def test_log_times_is_honoured_across_stdout_and_stderr() -> None:
    script = (
        "echo tick; sleep 0.4; echo tick >&2; sleep 0.4; echo tick; sleep 0.4; "
        "echo late-marker; exec sleep 60"
    )
    strategy = LogMessageWaitStrategy(r"^tick$", times=3)
    with DockerContainer(REDIS).with_command(sh(script)).waiting_for(strategy) as c:
        out, err = c.get_logs()
        assert out.count(b"tick") + err.count(b"tick") == 3  # needed the stderr one too
        assert b"late-marker" not in out  # did not wait longer than needed


def test_log_times_not_reached_times_out() -> None:
    started = time.monotonic()
    container = (
        DockerContainer(REDIS)
        .with_command(sh("echo once; exec sleep 60"))
        .waiting_for(LogMessageWaitStrategy("once", times=2))
        .with_startup_timeout(1.5)
    )
    with pytest.raises(StartupTimeoutError, match="once") as info:
        container.start()
    assert 1.4 < time.monotonic() - started < 10
    assert "once" in info.value.logs


def test_the_timeout_message_names_the_timeout_that_was_set() -> None:
    container = (
        DockerContainer(REDIS)
        .with_command(sh("exec sleep 60"))
        .waiting_for(LogMessageWaitStrategy("never"))
        .with_startup_timeout(2)
    )
    with pytest.raises(StartupTimeoutError, match=r"not ready within 2s"):
        container.start()
    strategy = ExecWaitStrategy(["false"]).with_startup_timeout(1.5)
    with pytest.raises(TimeoutError, match=r"not ready within 1.5s"):  # also a TimeoutError
        DockerContainer(REDIS).waiting_for(strategy).start()


def test_startup_timeout_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKYARD_STARTUP_TIMEOUT", "1")
    started = time.monotonic()
    with pytest.raises(StartupTimeoutError, match="1s"):
        DockerContainer(REDIS).with_command(sh("exec sleep 60")).waiting_for(
            LogMessageWaitStrategy("never")
        ).start()
    assert time.monotonic() - started < 10


def test_poll_interval_is_tens_of_milliseconds() -> None:
    assert 0.01 <= DEFAULT_POLL_INTERVAL <= 0.1
    assert LogMessageWaitStrategy("x").poll_interval == DEFAULT_POLL_INTERVAL


def test_port_wait_checks_inside_the_container() -> None:
    # docker-proxy accepts host connections at once; only the inside check sees the delay.
    container = (
        DockerContainer(REDIS)
        .with_exposed_ports(6379)
        .with_command(sh("sleep 1.5; exec redis-server --protected-mode no"))
        .waiting_for(PortWaitStrategy(6379))
    )
    with container:
        assert redis_ping(container.host(), container.mapped_port(6379))


def test_listening_ports_parser() -> None:
    text = (
        "  sl  local_address rem_address   st tx_queue rx_queue\n"
        "   0: 00000000:18EB 00000000:0000 0A 00000000:00000000\n"
        "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000\n"
    )
    assert listening_ports(text, "tcp") == {6379}


def http_server(port: int, extra: str = "") -> list[str]:
    return sh(f"sleep 0.5; cd /etc && exec python3 -m http.server {port} {extra}")


def test_http_wait_status_and_body() -> None:
    container = (
        DockerContainer(CLIENT)
        .with_exposed_ports(8000)
        .with_command(http_server(8000))
        .waiting_for(HttpWaitStrategy(8000, "/", status=200, body="hostname"))
    )
    with container:
        import urllib.request

        url = f"http://{container.host()}:{container.mapped_port(8000)}/hostname"
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200


def test_http_body_mismatch_fails() -> None:
    container = (
        DockerContainer(CLIENT)
        .with_exposed_ports(8000)
        .with_command(http_server(8000))
        .waiting_for(HttpWaitStrategy(8000, "/", body="not-in-the-listing"))
        # Long enough for the server to answer once on a busy machine (the engine runs).
        .with_startup_timeout(6)
    )
    with pytest.raises(StartupTimeoutError, match="does not match /not-in-the-listing/"):
        container.start()


def test_http_status_mismatch_fails() -> None:
    container = (
        DockerContainer(CLIENT)
        .with_exposed_ports(8000)
        .with_command(http_server(8000))
        .waiting_for(HttpWaitStrategy(8000, "/no-such-file", status=200))
        .with_startup_timeout(6)
    )
    with pytest.raises(StartupTimeoutError, match="HTTP 404"):
        container.start()


HTTPS_SERVER = """
import http.server, ssl
server = http.server.HTTPServer(("", 8443), http.server.SimpleHTTPRequestHandler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain("/certs/cert.pem", "/certs/key.pem")
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
"""


def test_https_wait_with_a_self_signed_certificate(tmp_path: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make the test certificate")
    key, cert = str(tmp_path / "key.pem"), str(tmp_path / "cert.pem")
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=localhost", "-keyout", key, "-out", cert),
        ],
        check=True,
        capture_output=True,
    )
    container = (
        DockerContainer(CLIENT)
        .with_exposed_ports(8443)
        .with_copy_to_container(tmp_path / "cert.pem", "/certs/cert.pem")
        .with_copy_to_container(tmp_path / "key.pem", "/certs/key.pem")
        .with_command(["sh", "-c", f"cd /etc && sleep 0.5 && exec python3 -c '{HTTPS_SERVER}'"])
        .waiting_for(HttpWaitStrategy(8443, "/", https=True, body="hostname"))
    )
    with container:
        assert container.mapped_port(8443) > 0
    # Plain HTTP against the TLS port never passes.
    plain = (
        DockerContainer(CLIENT)
        .with_exposed_ports(8443)
        .with_copy_to_container(tmp_path / "cert.pem", "/certs/cert.pem")
        .with_copy_to_container(tmp_path / "key.pem", "/certs/key.pem")
        .with_command(["sh", "-c", f"cd /etc && exec python3 -c '{HTTPS_SERVER}'"])
        .waiting_for(HttpWaitStrategy(8443, "/", body="hostname"))
        .with_startup_timeout(2)
    )
    with pytest.raises(StartupTimeoutError):
        plain.start()


STREAMING_SERVER = """
import socket, threading, time

def serve(conn):
    conn.recv(65536)
    try:
        conn.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\n")
        while True:
            conn.sendall(b"tick\\n")
            time.sleep(0.1)
    except OSError:
        conn.close()

server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("", 8000))
server.listen(8)
print("listening", flush=True)
while True:
    threading.Thread(target=serve, args=(server.accept()[0],), daemon=True).start()
"""


def test_http_body_that_streams_forever_is_bounded() -> None:
    container = (
        DockerContainer(CLIENT)
        .with_exposed_ports(8000)
        .with_command(["python3", "-c", STREAMING_SERVER])
        .waiting_for(HttpWaitStrategy(8000, "/", body="never-sent", request_timeout=1))
        .with_startup_timeout(4)
    )
    started = time.monotonic()
    # The last check may also be cut short by the deadline itself ("timed out").
    with pytest.raises(StartupTimeoutError, match=r"still streaming|timed out"):
        container.start()
    assert time.monotonic() - started < 15


def test_exec_check_that_never_returns_is_bounded() -> None:
    container = (
        DockerContainer(REDIS)
        .with_command(sh("exec sleep 60"))
        .waiting_for(ExecWaitStrategy(["sleep", "30"]))
        .with_startup_timeout(2)
    )
    started = time.monotonic()
    with pytest.raises(StartupTimeoutError, match="did not finish"):
        container.start()
    assert time.monotonic() - started < 10


def test_one_strategy_instance_shared_by_containers_ready_at_different_times() -> None:
    shared = AllOf(LogMessageWaitStrategy("ready-now"), ExecWaitStrategy(["true"]))
    fast = (
        DockerContainer(REDIS)
        .with_command(sh("sleep 1.5; echo ready-now; exec sleep 60"))
        .waiting_for(shared)
    )
    slow = (
        DockerContainer(REDIS)
        .with_command(sh("sleep 5; echo ready-now; exec sleep 60"))
        .waiting_for(shared)
    )
    try:
        start_all(fast, slow)
        # Each was declared ready only once its own log line appeared.
        assert b"ready-now" in fast.get_logs()[0]
        assert b"ready-now" in slow.get_logs()[0]
    finally:
        stop_all(fast, slow)


def test_exec_wait_strategy() -> None:
    container = (
        DockerContainer(REDIS)
        .with_command(sh("sleep 0.5; touch /tmp/ready; exec sleep 60"))
        .waiting_for(ExecWaitStrategy(["test", "-f", "/tmp/ready"]))
    )
    with container:
        assert container.exec(["test", "-f", "/tmp/ready"]).exit_code == 0


@not_on_podman  # health checks run from systemd timers, and there is no systemd here
def test_healthcheck_wait_strategy() -> None:
    container = DockerContainer(
        REDIS,
        healthcheck={
            "test": ["CMD-SHELL", "redis-cli ping | grep PONG"],
            "interval": 200_000_000,
            "timeout": 1_000_000_000,
            "retries": 50,
        },
    ).waiting_for(HealthcheckWaitStrategy())
    with container:
        state = container.get_wrapped_container().attrs["State"]
        assert state["Health"]["Status"] == "healthy"


def test_healthcheck_without_healthcheck_aborts_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(ReadinessAbort, match="no health check"):
        DockerContainer(REDIS).waiting_for(HealthcheckWaitStrategy()).start()
    assert time.monotonic() - started < 10


def test_callable_wait_with_protocol_ping() -> None:
    calls: list[int] = []

    def ping(container: DockerContainer) -> bool:
        calls.append(1)
        return bool(redis_ping(container.host(), container.mapped_port(6379), timeout=0.5))

    with (
        DockerContainer(REDIS)
        .with_exposed_ports(6379)
        .waiting_for(CallableWaitStrategy(ping)) as redis
    ):
        assert calls
        assert redis_ping(redis.host(), redis.mapped_port(6379))


def test_all_of_and_any_of() -> None:
    both = AllOf(LogMessageWaitStrategy("Ready to accept"), PortWaitStrategy(6379))
    with DockerContainer(REDIS).with_exposed_ports(6379).waiting_for(both) as redis:
        assert redis_ping(redis.host(), redis.mapped_port(6379))
    either = AnyOf(LogMessageWaitStrategy("never printed"), LogMessageWaitStrategy("Ready"))
    with DockerContainer(REDIS).waiting_for(either.with_startup_timeout(20)):
        pass
    neither = AllOf(LogMessageWaitStrategy("Ready"), LogMessageWaitStrategy("never printed"))
    with pytest.raises(StartupTimeoutError):
        DockerContainer(REDIS).waiting_for(neither).with_startup_timeout(1.5).start()


def test_container_exiting_during_startup_fails_at_once(docker_client: Any) -> None:
    started = time.monotonic()
    container = (
        DockerContainer(REDIS)
        .with_command(sh("echo boom-line >&2; exit 3"))
        .waiting_for(LogMessageWaitStrategy("never printed"))
    )
    with pytest.raises(ContainerStartupError) as info:
        container.start()
    assert time.monotonic() - started < 10  # not the 60 s timeout
    assert info.value.exit_code == 3
    assert "boom-line" in info.value.logs and "boom-line" in str(info.value)
    assert not container.started


@not_on_podman  # fails at once too, but Podman reports no OOMKilled and no "oom" event
def test_oom_killed_container_fails_at_once() -> None:
    started = time.monotonic()
    container = (
        DockerContainer(REDIS, mem_limit="16m", memswap_limit="16m")
        .with_command(sh("echo eating; head -c 400m /dev/zero | tail"))
        .waiting_for(LogMessageWaitStrategy("never printed"))
    )
    with pytest.raises(ContainerStartupError, match="OOM") as info:
        container.start()
    assert time.monotonic() - started < 30
    assert info.value.exit_code == 137
    assert "eating" in info.value.logs


@not_on_podman  # Podman sends no "oom" event for it
def test_a_process_oom_killed_inside_a_running_container_fails_at_once() -> None:
    # The shell (PID 1) survives; only the memory hog is killed, which the engine reports
    # as an "oom" event while the container keeps running.
    started = time.monotonic()
    container = (
        DockerContainer(REDIS, mem_limit="16m", memswap_limit="16m")
        .with_command(sh("echo eating; head -c 400m /dev/zero | tail; exec sleep 60"))
        .waiting_for(LogMessageWaitStrategy("never printed"))
    )
    # The kernel picks the victim: mostly the hog (the container lives on), sometimes PID 1.
    with pytest.raises(ContainerStartupError, match="OOM-killed while (it started|starting)"):
        container.start()
    assert time.monotonic() - started < 30


def test_readiness_abort_fails_at_once_with_logs() -> None:
    def wrong_password(container: DockerContainer) -> bool:
        raise ReadinessAbort("password authentication failed")

    started = time.monotonic()
    container = (
        DockerContainer(REDIS)
        .with_command(sh("echo visible-log-line; exec sleep 60"))
        .waiting_for(AllOf(LogMessageWaitStrategy("visible"), CallableWaitStrategy(wrong_password)))
    )
    with pytest.raises(ReadinessAbort, match="password authentication failed") as info:
        container.start()
    assert "visible-log-line" in str(info.value)
    assert time.monotonic() - started < 10


def test_callable_errors_are_reported_on_timeout() -> None:
    def refuse(container: DockerContainer) -> bool:
        socket.create_connection(("127.0.0.1", 9), timeout=0.1)
        return True

    with pytest.raises(StartupTimeoutError, match="last check failed"):
        DockerContainer(REDIS).waiting_for(CallableWaitStrategy(refuse)).with_startup_timeout(
            1
        ).start()
