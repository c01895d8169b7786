"""The routing table: one place, shown as it is in docs/migrating.md."""

from __future__ import annotations

from pathlib import Path

from dockyard.migrate import MISSING_NAMES, ROUTES, markdown_table

DOCS = Path(__file__).resolve().parents[3] / "docs" / "migrating.md"
# The Dockyard distributions a route may point at.
PACKAGES = {
    "dockyard",
    "dockyard.core",
    "dockyard.postgres",
    "dockyard.redis",
    "dockyard.kafka",
    "dockyard.compose",
}


def test_docs_show_the_table_the_code_uses() -> None:
    text = DOCS.read_text()
    begin, end = "<!-- routes:begin -->\n", "<!-- routes:end -->"
    shown = text[text.index(begin) + len(begin) : text.index(end)]
    assert shown == markdown_table(), "regenerate the table in docs/migrating.md"


def test_each_upstream_module_has_one_route() -> None:
    upstream = [route.upstream for route in ROUTES]
    assert len(upstream) == len(set(upstream))


def test_routes_point_at_dockyard_packages_or_say_why_not() -> None:
    for route in ROUTES:
        if route.dockyard is None:
            assert route.reason, route
        else:
            assert route.dockyard in PACKAGES, route


def test_both_spellings_of_each_module_are_routed_alike() -> None:
    by_upstream = {route.upstream: route.dockyard for route in ROUTES}
    for name in ("postgres", "redis", "kafka", "generic"):
        assert (
            by_upstream[f"testcontainers.{name}"] == by_upstream[f"testcontainers.community.{name}"]
        )
    for name in MISSING_NAMES:
        assert name.startswith("testcontainers.")
