"""Docker API request targets as endpoint templates: ``/v1.41/containers/ab12/json`` →
``/containers/{id}/json``.

Counting per template rather than per URL is what makes the counts of two cycles
comparable: every cycle has new container ids, the endpoints stay the same.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["endpoint_template", "query_names"]

_VERSION = re.compile(r"^/v\d+(?:\.\d+)?(?=/)")

#: Collections whose second segment is an object id or name unless it is one of these verbs.
_COLLECTIONS: dict[str, frozenset[str]] = {
    "containers": frozenset({"json", "create", "prune"}),
    "exec": frozenset(),
    "networks": frozenset({"create", "prune"}),
    "volumes": frozenset({"create", "prune"}),
    "secrets": frozenset({"create"}),
    "configs": frozenset({"create"}),
    "services": frozenset({"create"}),
    "nodes": frozenset(),
    "tasks": frozenset(),
}

#: Image names carry slashes (``dockyard.local/redis:7``): the name is everything between
#: ``/images/`` and one of these trailing actions.
_IMAGE_ACTIONS = ("json", "history", "push", "tag", "get")
_IMAGE_VERBS = frozenset({"json", "create", "load", "search", "prune", "build", "get"})
_NAMED_WITH_SLASHES = ("images", "distribution", "plugins")


def endpoint_template(target: str) -> str:
    """The endpoint of a request target, without API version, query or object ids."""
    path = unquote(urlsplit(target).path) or "/"
    path = _VERSION.sub("", path)
    segments = path.strip("/").split("/")
    head = segments[0]
    if head in _COLLECTIONS and len(segments) > 1 and segments[1] not in _COLLECTIONS[head]:
        placeholder = "{name}" if head == "volumes" else "{id}"
        return "/" + "/".join([head, placeholder, *segments[2:]])
    if head in _NAMED_WITH_SLASHES and len(segments) > 1:
        return _named_template(head, segments[1:])
    return "/" + "/".join(segments)


def _named_template(head: str, rest: list[str]) -> str:
    if head == "images" and len(rest) == 1 and rest[0] in _IMAGE_VERBS:
        return f"/images/{rest[0]}"
    if head == "plugins" and len(rest) == 1:
        return f"/plugins/{rest[0]}"  # /plugins/pull, /plugins/privileges, …
    if len(rest) > 1 and rest[-1] in (*_IMAGE_ACTIONS, "enable", "disable", "upgrade", "set"):
        return f"/{head}/{{name}}/{rest[-1]}"
    return f"/{head}/{{name}}"


def query_names(target: str) -> str:
    """The query's parameter names, sorted (``?follow&stdout``), or ``""`` without a query.

    Names without values keep ``logs?follow=1`` apart from ``logs?tail=100`` while two
    cycles that differ only in ids or timestamps still count as the same request.
    """
    names = sorted({name for name, _ in parse_qsl(urlsplit(target).query, True)})
    return "?" + "&".join(names) if names else ""
