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
