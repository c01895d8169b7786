# Generated from tools/images/images.toml by tools/images/fragments.py --write; do not edit.
"""The image manifest for Starlark: one dockyard_image target per entry."""

IMAGES = {
    "base": {
        "recipe": "base",
        "tag": "dockyard.local/base:bookworm",
        "upstream": "",
        "substitutes": "",
        "deps": [],
    },
    "postgres": {
        "recipe": "postgres",
        "tag": "dockyard.local/postgres:15",
        "upstream": "postgres:16",
        "substitutes": "postgres",
        "deps": ["base"],
    },
    "redis": {
        "recipe": "redis",
        "tag": "dockyard.local/redis:7",
        "upstream": "redis:7",
        "substitutes": "redis",
        "deps": ["base"],
    },
    "kafka": {
        "recipe": "kafka",
        "tag": "dockyard.local/kafka:4.1.1",
        "upstream": "apache/kafka:4.1.1",
        "substitutes": "apache/kafka",
        "deps": ["base"],
    },
    "client": {
        "recipe": "client",
        "tag": "dockyard.local/client:1",
        "upstream": "",
        "substitutes": "",
        "deps": ["base"],
    },
    "ryuk": {
        "recipe": "ryuk",
        "tag": "dockyard.local/ryuk:0.11.0",
        "upstream": "testcontainers/ryuk:0.11.0",
        "substitutes": "testcontainers/ryuk",
        "deps": ["base"],
    },
    "host-relay": {
        "recipe": "host-relay",
        "tag": "dockyard.local/host-relay:1",
        "upstream": "dockyard/host-relay:1",
        "substitutes": "dockyard/host-relay",
        "deps": ["base"],
    },
}
