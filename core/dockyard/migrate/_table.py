"""The one table of where testcontainers-python's modules live in Dockyard.

Every rewrite the migration makes comes from ``ROUTES``; ``docs/migrating.md`` shows the same
table (a test keeps the two equal, see ``markdown_table``). A row maps an upstream module to
the Dockyard module that offers the same names, or to ``None`` when Dockyard has no
counterpart, with the reason the report gives.

testcontainers-python 4.15 keeps its modules in ``testcontainers.community.<name>`` and
still ships the older ``testcontainers.<name>`` as deprecated aliases; both spellings are
routed. Any other child of ``testcontainers`` or ``testcontainers.community`` (``mysql``,
``mongodb``, …) is a module Dockyard does not have.
"""

from __future__ import annotations

from dataclasses import dataclass

UPSTREAM = "testcontainers"
# Packages whose children are all modules; an unlisted child is a module Dockyard lacks.
NAMESPACES = frozenset({"testcontainers", "testcontainers.community"})

_CORE = "dockyard.core"


@dataclass(frozen=True)
class Route:
    """Where one upstream module's names are found in Dockyard (``None``: nowhere)."""

    upstream: str
    dockyard: str | None
    reason: str = ""


def _core(*names: str) -> tuple[Route, ...]:
    return tuple(Route(f"testcontainers.core.{name}", _CORE) for name in names)


def _module(name: str, target: str) -> tuple[Route, ...]:
    return (
        Route(f"testcontainers.{name}", target),
        Route(f"testcontainers.community.{name}", target),
    )


ROUTES: tuple[Route, ...] = (
    Route("testcontainers", "dockyard"),
    Route("testcontainers.community", "dockyard"),
    Route("testcontainers.core", _CORE),
    *_core(
        "config",
        "container",
        "docker_client",
        "exceptions",
        "image",
        "inspect",
        "labels",
        "network",
        "transferable",
        "utils",
        "wait_strategies",
        "waiting_utils",
    ),
    Route(
        "testcontainers.core.generic",
        None,
        "DbContainer is deprecated upstream; subclass SqlContainer (dockyard.core) or use a "
        "module's container",
    ),
    Route("testcontainers.core.auth", None, "internal to testcontainers-python"),
    Route("testcontainers.core.version", None, "internal to testcontainers-python"),
    *_module("postgres", "dockyard.postgres"),
    *_module("redis", "dockyard.redis"),
    *_module("kafka", "dockyard.kafka"),
    Route(
        "testcontainers.community.kafka._redpanda",
        None,
        "Dockyard has no Redpanda container",
    ),
    Route("testcontainers.compose", "dockyard.compose"),
    Route("testcontainers.compose.compose", "dockyard.compose"),
    *_module("generic", _CORE),
    Route("testcontainers.community.generic.server", _CORE),
    Route("testcontainers.community.generic.sql", _CORE),
    Route(
        "testcontainers.community.generic.providers",
        None,
        "SqlAlchemyConnectWaitStrategy has no Dockyard counterpart; wait with a "
        "CallableWaitStrategy that connects",
    ),
    Route(
        "testcontainers.community.generic.providers.sql_connection_wait_strategy",
        None,
        "SqlAlchemyConnectWaitStrategy has no Dockyard counterpart; wait with a "
        "CallableWaitStrategy that connects",
    ),
)

# Names of routed modules that Dockyard does not offer, by their upstream dotted path.
MISSING_NAMES: dict[str, str] = {
    "testcontainers.kafka.RedpandaContainer": "Dockyard has no Redpanda container",
    "testcontainers.community.kafka.RedpandaContainer": "Dockyard has no Redpanda container",
    "testcontainers.core.container.Reaper": (
        "the reaper is internal; Dockyard starts and stops its own"
    ),
}

_BY_UPSTREAM = {route.upstream: route for route in ROUTES}


@dataclass(frozen=True)
class Resolution:
    """A dotted upstream path split into its longest known module and the rest.

    ``module`` is the upstream module (``testcontainers.mysql`` for a child of a namespace
    that the table does not list), ``rest`` the attribute names after it, ``target`` the
    Dockyard module or ``None``, and ``reason`` why there is none.
    """

    module: str
    rest: tuple[str, ...]
    target: str | None
    reason: str

    @property
    def dockyard_path(self) -> str | None:
        """The whole path as Dockyard spells it, or None when it cannot be mapped."""
        if self.target is None:
            return None
        return ".".join((self.target, *self.rest))


def is_upstream(dotted: str) -> bool:
    """Whether a dotted module path names testcontainers-python or one of its modules."""
    return dotted == UPSTREAM or dotted.startswith(UPSTREAM + ".")


def is_module(dotted: str) -> bool:
    """Whether ``dotted`` is an upstream module (listed, or a child of a namespace)."""
    if dotted in _BY_UPSTREAM:
        return True
    parent, _, _ = dotted.rpartition(".")
    return parent in NAMESPACES


def resolve(dotted: str) -> Resolution:
    """Resolve an upstream dotted path (module, or module plus attribute names)."""
    parts = dotted.split(".")
    for length in range(len(parts), 0, -1):
        module = ".".join(parts[:length])
        rest = tuple(parts[length:])
        route = _BY_UPSTREAM.get(module)
        if route is None:
            continue
        if module in NAMESPACES and rest:
            # A child the table does not list: a module Dockyard has no counterpart for.
            child = f"{module}.{rest[0]}"
            return Resolution(child, rest[1:], None, f"Dockyard has no module for {child}")
        missing = MISSING_NAMES.get(".".join((module, *rest[:1])))
        if missing is not None:
            return Resolution(module, rest, None, missing)
        if rest and _is_private(rest[0]):
            return Resolution(module, rest, None, f"{rest[0]} is private to {module}")
        return Resolution(module, rest, route.dockyard, route.reason)
    raise ValueError(f"{dotted!r} is not a testcontainers path")


def _is_private(name: str) -> bool:
    # Upstream's private names have no Dockyard counterpart; dunders (__name__) do.
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def markdown_table() -> str:
    """The routing table as docs/migrating.md shows it."""
    lines = ["| testcontainers-python | Dockyard |", "| --- | --- |"]
    for route in ROUTES:
        target = f"`{route.dockyard}`" if route.dockyard else f"— ({route.reason})"
        lines.append(f"| `{route.upstream}` | {target} |")
    for name, reason in MISSING_NAMES.items():
        lines.append(f"| `{name}` | — ({reason}) |")
    return "\n".join(lines) + "\n"
