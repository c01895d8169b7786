"""Port specifications: 5432, "5432", "5432/tcp", "53/udp"."""

from __future__ import annotations

from dataclasses import dataclass

from ._errors import ConfigurationError

PROTOCOLS = ("tcp", "udp", "sctp")


@dataclass(frozen=True, order=True)
class Port:
    """A container port with its protocol; ``str(Port(53, "udp")) == "53/udp"``."""

    number: int
    protocol: str = "tcp"

    def __str__(self) -> str:
        return f"{self.number}/{self.protocol}"


PortLike = int | str | Port


def parse_port(value: PortLike) -> Port:
    """Validate and normalise a port spec; raises ConfigurationError on bad input."""
    if isinstance(value, Port):
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConfigurationError(
            f"Port {value!r} must be an int or a string like '5432/tcp' or '53/udp'."
        )
    text = str(value).strip().lower()
    number_text, _, protocol = text.partition("/")
    protocol = protocol or "tcp"
    if protocol not in PROTOCOLS:
        raise ConfigurationError(
            f"Port {value!r} has unknown protocol {protocol!r}; use one of {', '.join(PROTOCOLS)}."
        )
    if not number_text.isdigit():
        raise ConfigurationError(
            f"Port {value!r} is not a port number; use e.g. 5432, '5432/tcp' or '53/udp'."
        )
    number = int(number_text)
    if not 1 <= number <= 65535:
        raise ConfigurationError(f"Port {value!r} is out of range; use 1-65535.")
    return Port(number, protocol)
