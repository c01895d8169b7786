"""Start a throwaway Redis, use it from the host, and show its URLs.

Run from the repository root with the local images substituted, e.g.:

    DOCKYARD_IMAGE_SUBSTITUTIONS="$(python3 tools/images/image_manifest.py substitutions)" \
    PYTHONPATH=core:modules/redis python modules/redis/examples/quickstart.py
"""

from __future__ import annotations

import asyncio

from dockyard.redis import RedisContainer


async def count_visits(server: RedisContainer) -> int:
    client = server.get_async_client()
    try:
        return int(await client.incr("visits"))
    finally:
        await client.aclose()


def main() -> None:
    with RedisContainer(password="example").with_server_args("--maxmemory", "16mb") as server:
        client = server.get_client(decode_responses=True)
        client.set("greeting", "hello from dockyard")
        print("greeting:", client.get("greeting"))
        print("maxmemory:", client.config_get("maxmemory")["maxmemory"])
        print("visits:", asyncio.run(count_visits(server)))
        print("url:", server.get_connection_url())

        with server.isolated_client(decode_responses=True) as scratch:
            db = scratch.connection_pool.connection_kwargs["db"]
            print(f"isolated db {db} is empty:", scratch.dbsize() == 0)


if __name__ == "__main__":
    main()
