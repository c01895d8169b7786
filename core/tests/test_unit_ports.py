"""Port spec parsing (pure logic)."""

from __future__ import annotations

import pytest

from dockyard.core import ConfigurationError, Port, parse_port


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (5432, Port(5432, "tcp")),
        ("5432", Port(5432, "tcp")),
        ("5432/tcp", Port(5432, "tcp")),
        ("53/udp", Port(53, "udp")),
        (" 53/UDP ", Port(53, "udp")),
        (Port(1, "sctp"), Port(1, "sctp")),
    ],
)
def test_valid_port_specs(spec: int | str | Port, expected: Port) -> None:
    assert parse_port(spec) == expected


@pytest.mark.parametrize("spec", ["abc/tcp", "abc", "", "80/foo", 0, 70000, -1, "1.5", True, 5.0])
def test_invalid_port_specs_raise_configuration_error(spec: object) -> None:
    with pytest.raises(ConfigurationError):
        parse_port(spec)  # type: ignore[arg-type]


def test_port_string_form() -> None:
    assert str(parse_port(53)) == "53/tcp"
    assert str(parse_port("53/udp")) == "53/udp"
