"""Code written for testcontainers-python's DockerCompose, after `python -m dockyard.migrate`:
only the import changed.

Run it like quickstart.py (see there).
"""

from __future__ import annotations

from pathlib import Path

from dockyard.compose import DockerCompose

HERE = Path(__file__).resolve().parent


def main() -> None:
    with DockerCompose(HERE, compose_file_name="compose.yaml", services=["cache"]) as compose:
        host = compose.get_service_host("cache", 6379)
        port = compose.get_service_port("cache", 6379)
        print(f"cache at {host}:{port}")
        stdout, stderr, exit_code = compose.exec_in_container(["redis-cli", "ping"], "cache")
        assert (stdout.strip(), exit_code) == ("PONG", 0), stderr
        logs, _ = compose.get_logs("cache")
        assert "Ready to accept connections" in logs
        assert [c.Service for c in compose.get_containers()] == ["cache"]
        print("services:", sorted(compose.get_config()["services"]))


if __name__ == "__main__":
    main()
