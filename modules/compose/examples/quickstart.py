"""Start a Compose environment, reach a service from the test and from another service.

Run from the repository root with the local images substituted, e.g.:

    DOCKYARD_IMAGE_SUBSTITUTIONS="$(python3 tools/images/image_manifest.py substitutions)" \
    PYTHONPATH=core:modules/compose python modules/compose/examples/quickstart.py
"""

from __future__ import annotations

import socket
from pathlib import Path

from dockyard.compose import DockerCompose
from dockyard.core import LogMessageWaitStrategy

HERE = Path(__file__).resolve().parent


def main() -> None:
    environment = DockerCompose(HERE, compose_file_name="compose.yaml").waiting_for(
        {"cache": LogMessageWaitStrategy("Ready to accept connections")}
    )
    with environment:
        # From the test process: the published port, on the host Dockyard decided.
        host, port = environment.get_service_host_and_port("cache", 6379)
        with socket.create_connection((host, port), timeout=5) as connection:
            connection.sendall(b"PING\r\n")
            print("from the test:", connection.recv(16).decode().strip())

        # From another service: the service name on the project's network.
        out, _, code = environment.exec_in_container(
            ["redis-cli", "-h", "cache", "set", "greeting", "hello"], "worker"
        )
        print("from the worker:", out.strip(), "exit code", code)

        cache = environment.get_container("cache")
        print("cache is", cache.State, "in project", cache.Project)
        print("greeting:", cache.exec(["redis-cli", "get", "greeting"]).output.decode().strip())
    print("after the with block nothing of", environment.project_name, "is left")


if __name__ == "__main__":
    main()
