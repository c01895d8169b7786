"""Two environments from the same compose file at once never share anything."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from dockyard.compose import DockerCompose

from conftest import DATA, leftovers


def test_two_environments_from_one_file_run_side_by_side() -> None:
    first = DockerCompose(DATA / "pair", services=["client"])
    second = DockerCompose(DATA / "pair", services=["client"])
    assert first.project_name != second.project_name
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(DockerCompose.start, (first, second)))
    try:
        for environment, value in ((first, "one"), (second, "two")):
            _, _, code = environment.exec_in_container(
                ["redis-cli", "-h", "cache", "set", "who", value], "client"
            )
            assert code == 0
        # Each client reaches its own project's cache under the same service name.
        for environment, value in ((first, "one"), (second, "two")):
            out, _, _ = environment.exec_in_container(
                ["redis-cli", "-h", "cache", "get", "who"], "client"
            )
            assert out.strip() == value
        assert first.get_service_port("cache", 6379) != second.get_service_port("cache", 6379)
        names = [set(leftovers(e.project_name)["containers"]) for e in (first, second)]
        assert names[0] and names[1] and not names[0] & names[1]
    finally:
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(DockerCompose.stop, (first, second)))
    assert not any(leftovers(first.project_name).values())
    assert not any(leftovers(second.project_name).values())
