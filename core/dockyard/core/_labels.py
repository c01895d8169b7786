"""The labels that mark everything Dockyard creates, so the reaper and humans can find it."""

from __future__ import annotations

import re

from ._version import __version__

LABEL_BASE = "org.testcontainers"
LABEL_LANG = "org.testcontainers.lang"
LABEL_VERSION = "org.testcontainers.version"
LABEL_SESSION_ID = "org.testcontainers.sessionId"
LABEL_HASH = "org.testcontainers.hash"
LABEL_RYUK = "org.testcontainers.ryuk"
LABEL_REUSE = "org.testcontainers.reuse"


def base_labels() -> dict[str, str]:
    """Labels for things that outlive the session (reused containers, the reaper itself)."""
    return {LABEL_BASE: "true", LABEL_LANG: "python", LABEL_VERSION: __version__}


def session_labels(session_id: str) -> dict[str, str]:
    """Labels for things the session's reaper must remove when the session ends."""
    return {**base_labels(), LABEL_SESSION_ID: session_id}


def name_safe(text: str) -> str:
    """Make text usable inside a container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)."""
    return re.sub(r"[^a-zA-Z0-9_.-]", "-", text)[:64]


# A random token on everything one start() (or Network.create()) asks the engine to make,
# so an interrupted request's object is found and removed although its id never arrived.
LABEL_CREATION = "org.dockyard.creation"
