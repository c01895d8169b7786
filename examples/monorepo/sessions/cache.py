"""Login sessions kept in Redis with an expiry: the code under test."""

from __future__ import annotations

import secrets

import redis


class SessionCache:
    def __init__(self, client: redis.Redis, ttl_seconds: int = 3600) -> None:
        self._client = client
        self._ttl = ttl_seconds

    def open(self, user: str) -> str:
        token = secrets.token_hex(16)
        self._client.set(f"session:{token}", user, ex=self._ttl)
        return token

    def user(self, token: str) -> str | None:
        value = self._client.get(f"session:{token}")
        return value.decode() if isinstance(value, bytes) else value

    def close(self, token: str) -> None:
        self._client.delete(f"session:{token}")
