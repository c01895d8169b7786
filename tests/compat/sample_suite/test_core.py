"""Generic containers: ports, environment, logs, exec, files, networks, cleanup."""

import socket
import time

import pytest
from testcontainers.core import waiting_utils
from testcontainers.core.container import DockerContainer, ExecConfig
from testcontainers.core.network import Network
from testcontainers.core.waiting_utils import (
    wait_container_is_ready,  # still what our in-house containers use
    wait_for_logs,
)

READY = "Ready to accept connections"


def ping(host, port):
    with socket.create_connection((host, port), timeout=2) as connection:
        connection.sendall(b"PING\r\n")
        return connection.recv(7)


class CacheContainer(DockerContainer):
    """How our in-house containers wait: a decorated check, retried until it passes."""

    def __init__(self, image, **kwargs):
        super().__init__(image, **kwargs)
        self.with_exposed_ports(6379)

    @wait_container_is_ready(OSError)
    def _connect(self):
        answer = ping(self.get_container_host_ip(), int(self.get_exposed_port(6379)))
        if answer != b"+PONG\r\n":
            raise ConnectionError(f"not ready yet: {answer!r}")

    def start(self):
        super().start()
        self._connect()
        return self


def test_mapped_port_answers(redis_image):
    with DockerContainer(redis_image).with_exposed_ports(6379) as container:
        delay = wait_for_logs(container, READY, timeout=30)
        assert delay >= 0
        host = container.get_container_host_ip()
        port = container.get_exposed_port(6379)
        assert isinstance(port, int)
        assert ping(host, port) == b"+PONG\r\n"


def test_decorated_readiness_check(redis_image):
    with CacheContainer(redis_image) as cache:
        assert ping(cache.get_container_host_ip(), cache.get_exposed_port(6379)) == b"+PONG\r\n"


def test_readiness_check_gives_up_with_timeout_error(redis_image, quick_timeouts):
    @wait_container_is_ready()
    def never_ready(container):
        raise ConnectionError("the service never answers")

    with DockerContainer(redis_image).with_command("sleep 300") as container:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            never_ready(container)
        assert time.monotonic() - started < 20


def test_environment_and_exec(redis_image, tmp_path):
    env_file = tmp_path / "service.env"
    env_file.write_text("REGION=eu-west\nTIER=gold\n")
    container = (
        DockerContainer(redis_image)
        .with_env("GREETING", "hello")
        .with_envs(TARGET="world")
        .with_env_file(env_file)
        .with_command("sleep 300")
    )
    with container:
        result = container.exec(["sh", "-c", 'echo "$GREETING $TARGET $REGION $TIER"'])
        assert result.exit_code == 0
        assert result.output == b"hello world eu-west gold\n"

        failed = container.exec("sh -c 'exit 3'")
        assert failed.exit_code == 3

        configured = container.exec(
            ExecConfig(
                command=["sh", "-c", 'echo "$(pwd) $(id -u) $MODE"'],
                workdir="/tmp",
                environment={"MODE": "debug"},
                user="nobody",
            )
        )
        assert configured.exit_code == 0
        assert configured.output.decode().split() == ["/tmp", "65534", "debug"]

        info = container.get_container_info()
        assert info.State.Running is True
        assert "GREETING=hello" in info.Config.Env


def test_files_in_and_out(redis_image, tmp_path):
    seed = tmp_path / "seed.txt"
    seed.write_bytes(b"from the host\n")
    container = (
        DockerContainer(redis_image, transferables=[(b"generated\n", "/srv/generated.txt")])
        .with_copy_into_container(seed, "/srv/seed.txt")
        .with_command("sleep 300")
    )
    with container:
        container.copy_into_container(b"late\n", "/srv/late.txt", mode=0o600)
        listing = container.exec(["sh", "-c", "cat /srv/generated.txt /srv/seed.txt /srv/late.txt"])
        assert listing.output == b"generated\nfrom the host\nlate\n"
        mode = container.exec(["stat", "-c", "%a", "/srv/late.txt"])
        assert mode.output.strip() == b"600"

        fetched = tmp_path / "fetched.txt"
        container.copy_from_container("/srv/seed.txt", fetched)
        assert fetched.read_bytes() == b"from the host\n"


def test_container_that_finishes_still_starts(redis_image):
    with DockerContainer(redis_image).with_command(["sh", "-c", "echo job done"]) as job:
        assert job.wait() == 0
        waiting_utils.wait_for_logs(job, "job done", timeout=10)
        stdout, stderr = job.get_logs()
        assert stdout == b"job done\n"
        assert stderr == b""
        job.reload()
        assert job.status == "exited"


def test_log_wait_times_out_with_timeout_error(redis_image):
    container = DockerContainer(redis_image).with_command("sleep 300")
    with container, pytest.raises(TimeoutError):
        wait_for_logs(container, "never printed", timeout=2, interval=0.2)


def test_bound_host_ports(redis_image, free_port):
    container = DockerContainer(redis_image).with_bind_ports(6379, str(free_port))
    with container:
        wait_for_logs(container, READY, timeout=30)
        assert container.get_exposed_port(6379) == free_port
        assert ping("127.0.0.1", free_port) == b"+PONG\r\n"


def test_peers_reach_each_other_by_alias(redis_image):
    with Network() as network:
        server = DockerContainer(redis_image).with_network_aliases("cache").with_network(network)
        with server:
            wait_for_logs(server, READY, timeout=30)
            client = DockerContainer(redis_image).with_network(network).with_command("sleep 300")
            with client:
                result = client.exec(["redis-cli", "-h", "cache", "ping"])
                assert result.output.strip() == b"PONG"


def test_stop_removes_the_container(redis_image, docker_client):
    container = DockerContainer(redis_image).with_exposed_ports(6379).start()
    container_id = container.get_wrapped_container().id
    assert docker_client.get_container(container_id)["State"] == "running"
    assert docker_client.port(container_id, 6379) == str(container.get_exposed_port(6379))

    container.stop(force=True, delete_volume=True)
    assert docker_client.client.containers.list(all=True, filters={"id": container_id}) == []
