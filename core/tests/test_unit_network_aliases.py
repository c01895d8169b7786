"""Aliases are per network: a named network gets its own, and the container lists them all."""

import pytest

from dockyard.core import ConfigurationError, DockerContainer


def test_aliases_go_to_the_named_network_or_the_last_one() -> None:
    container = DockerContainer("redis:7").with_network("front").with_network("back")
    container.with_network_aliases("api", network="front").with_network_aliases("cache", "cache")

    assert container.networks == ["front", "back"]
    assert container.network_aliases("front") == ["api"]
    assert container.network_aliases("back") == ["cache"]
    assert container.network_aliases() == ["api", "cache"]


def test_aliases_on_a_network_not_joined_say_which_are() -> None:
    container = DockerContainer("redis:7").with_network("front")
    with pytest.raises(ConfigurationError, match=r"'elsewhere' is not attached.*\['front'\]"):
        container.with_network_aliases("api", network="elsewhere")


def test_aliases_before_the_network_go_to_the_next_network_added() -> None:
    # testcontainers-python accepts them in either order.
    container = DockerContainer("redis:7").with_network_aliases("api", "web")
    container.with_network("front").with_network("back")
    assert container.network_aliases("front") == ["api", "web"]
    assert container.network_aliases("back") == []


def test_aliases_without_any_network_fail_before_anything_is_created() -> None:
    container = DockerContainer("redis:7").with_network_aliases("api")
    with pytest.raises(ConfigurationError, match="with_network"):
        container.resolved_spec().check_complete()


@pytest.mark.parametrize(
    "alias", ["my cache", "cache;rm -rf/$x", "-cache", "cache-", "a..b", "x" * 64, "", "ca_che"]
)
def test_aliases_must_be_rfc_1123_host_names(alias: str) -> None:
    with pytest.raises(ConfigurationError, match="host name"):
        DockerContainer("redis:7").with_network("front").with_network_aliases(alias)


@pytest.mark.parametrize("alias", ["cache", "db-primary", "a.b.c", "x" * 63, "1st"])
def test_valid_host_names_are_accepted(alias: str) -> None:
    container = DockerContainer("redis:7").with_network("front").with_network_aliases(alias)
    assert container.network_aliases() == [alias]


def test_the_default_alias_is_the_first_or_an_error_saying_how_to_add_one() -> None:
    container = DockerContainer("redis:7").with_network("front").with_network("back")
    with pytest.raises(ConfigurationError, match=r"no network alias.*with_network_aliases"):
        container.network_alias()
    container.with_network_aliases("cache", network="back").with_network_aliases(
        "api", network="front"
    )
    assert container.network_alias() == "api"
