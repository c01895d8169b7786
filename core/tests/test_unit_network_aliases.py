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


def test_aliases_before_any_network_say_what_to_call_first() -> None:
    with pytest.raises(ConfigurationError, match="with_network"):
        DockerContainer("redis:7").with_network_aliases("api")


def test_the_default_alias_is_the_first_or_an_error_saying_how_to_add_one() -> None:
    container = DockerContainer("redis:7").with_network("front").with_network("back")
    with pytest.raises(ConfigurationError, match=r"no network alias.*with_network_aliases"):
        container.network_alias()
    container.with_network_aliases("cache", network="back").with_network_aliases(
        "api", network="front"
    )
    assert container.network_alias() == "api"
