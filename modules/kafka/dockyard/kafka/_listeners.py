"""Kafka listeners: parsing ``with_listener`` specs and composing the listener settings.

A single-node KRaft broker here always has three listeners of its own:

* ``PLAINTEXT`` on 9092 for the test host, advertised as ``host():mapped_port(9092)``
  (only known after the container started, hence the start script);
* ``BROKER`` on 9093 for inter-broker traffic, advertised by the container's hostname;
* ``CONTROLLER`` on 9094 for the KRaft quorum (never advertised to clients).

Every ``with_listener("alias:port")`` adds one more, named ``NETWORK1``, ``NETWORK2``…
(or as given), advertised as ``alias:port`` for containers on a Docker network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dockyard.core import ConfigurationError

HOST_LISTENER = "PLAINTEXT"
BROKER_LISTENER = "BROKER"
CONTROLLER_LISTENER = "CONTROLLER"

KAFKA_PORT = 9092
BROKER_PORT = 9093
CONTROLLER_PORT = 9094

INTERNAL_PORTS: dict[int, str] = {
    KAFKA_PORT: HOST_LISTENER,
    BROKER_PORT: BROKER_LISTENER,
    CONTROLLER_PORT: CONTROLLER_LISTENER,
}
RESERVED_NAMES = frozenset(INTERNAL_PORTS.values())

# What a Docker network alias / DNS host name may look like; Kafka needs a plain host name.
_ALIAS = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")

_EXAMPLE = "write it as 'alias:port', e.g. with_listener(\"kafka:19092\")"


class KafkaListenerError(ConfigurationError):
    """A ``with_listener`` spec that cannot become a Kafka listener; raised before any container."""


@dataclass(frozen=True)
class Listener:
    """One extra listener for peers on a Docker network."""

    name: str
    alias: str
    port: int

    @property
    def address(self) -> str:
        """``alias:port`` — the bootstrap address a peer on the network uses."""
        return f"{self.alias}:{self.port}"

    @property
    def bind(self) -> str:
        return f"{self.name}://0.0.0.0:{self.port}"

    @property
    def advertised(self) -> str:
        return f"{self.name}://{self.alias}:{self.port}"


def parse_listener(
    spec: str, existing: Sequence[Listener] = (), name: str | None = None
) -> Listener:
    """Turn ``"alias:port"`` (or ``"NAME://alias:port"``) into a :class:`Listener`.

    ``existing`` are the listeners already configured: ports and names must not repeat,
    and ports must not collide with the broker's own (9092, 9093, 9094).
    """
    if not isinstance(spec, str):
        raise KafkaListenerError(f"Listener spec must be a string, got {spec!r}; {_EXAMPLE}.")
    text = spec.strip()
    scheme_name: str | None = None
    if "://" in text:
        scheme_name, text = text.split("://", 1)
        scheme_name = scheme_name.strip().upper()
    if ":" not in text:
        raise KafkaListenerError(f"Listener {spec!r} has no port: {_EXAMPLE}.")
    alias, _, port_text = text.rpartition(":")
    alias = alias.strip()
    port_text = port_text.strip()
    if not alias:
        raise KafkaListenerError(
            f"Listener {spec!r} has an empty alias: {_EXAMPLE}; the alias is the host name "
            "that containers on the network use to reach the broker."
        )
    if not _ALIAS.match(alias):
        raise KafkaListenerError(
            f"Listener {spec!r}: {alias!r} is not a valid host name (letters, digits, '.', '-', "
            f"'_'); {_EXAMPLE}."
        )
    if not port_text:
        raise KafkaListenerError(f"Listener {spec!r} has no port: {_EXAMPLE}.")
    if not port_text.isdigit():
        raise KafkaListenerError(
            f"Listener {spec!r}: port {port_text!r} is not a number; {_EXAMPLE}."
        )
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise KafkaListenerError(
            f"Listener {spec!r}: port {port} is out of range (1-65535); {_EXAMPLE}."
        )
    if port in INTERNAL_PORTS:
        raise KafkaListenerError(
            f"Listener {spec!r}: port {port} is taken by the broker's own "
            f"{INTERNAL_PORTS[port]} listener (9092, 9093 and 9094 are reserved); pick another "
            'port, e.g. with_listener("kafka:19092").'
        )
    for other in existing:
        if other.port == port:
            raise KafkaListenerError(
                f"Listener {spec!r}: port {port} is already used by listener "
                f"{other.name} ({other.address}); give each listener its own port, e.g. "
                f'with_listener("{alias}:{_free_suggestion(existing)}").'
            )
    chosen = (name or scheme_name or _next_name(existing)).strip().upper()
    if not _NAME.match(chosen):
        raise KafkaListenerError(
            f"Listener name {chosen!r} is invalid: use upper-case letters, digits and '_' "
            "(e.g. NETWORK1)."
        )
    if chosen in RESERVED_NAMES:
        raise KafkaListenerError(
            f"Listener name {chosen!r} is reserved for the broker's own listeners "
            f"({', '.join(sorted(RESERVED_NAMES))}); choose another, e.g. NETWORK1."
        )
    if any(other.name == chosen for other in existing):
        raise KafkaListenerError(
            f"Listener name {chosen!r} is already used; choose another or leave it out "
            "to get NETWORK1, NETWORK2, …"
        )
    return Listener(name=chosen, alias=alias, port=port)


def _next_name(existing: Sequence[Listener]) -> str:
    taken = {listener.name for listener in existing}
    index = 1
    while f"NETWORK{index}" in taken:
        index += 1
    return f"NETWORK{index}"


def _free_suggestion(existing: Sequence[Listener]) -> int:
    used = {listener.port for listener in existing} | set(INTERNAL_PORTS)
    port = 19092
    while port in used:
        port += 1
    return port


def internal_ports(host_port: int = KAFKA_PORT) -> tuple[int, int]:
    """(broker, controller) ports: 9093 and 9094, moved out of the way of ``host_port``."""
    if host_port in (BROKER_PORT, CONTROLLER_PORT):
        return BROKER_PORT + 10000, CONTROLLER_PORT + 10000
    return BROKER_PORT, CONTROLLER_PORT


def listeners_setting(extra: Iterable[Listener], host_port: int = KAFKA_PORT) -> str:
    """Value of ``listeners`` (KAFKA_LISTENERS): where the broker binds, inside the container."""
    broker, controller = internal_ports(host_port)
    parts = [
        f"{HOST_LISTENER}://0.0.0.0:{host_port}",
        f"{BROKER_LISTENER}://0.0.0.0:{broker}",
        f"{CONTROLLER_LISTENER}://0.0.0.0:{controller}",
    ]
    parts += [listener.bind for listener in extra]
    return ",".join(parts)


def protocol_map_setting(extra: Iterable[Listener]) -> str:
    """Value of ``listener.security.protocol.map``: every listener speaks PLAINTEXT."""
    names = [HOST_LISTENER, BROKER_LISTENER, CONTROLLER_LISTENER]
    names += [listener.name for listener in extra]
    return ",".join(f"{name}:PLAINTEXT" for name in names)


def advertised_setting(
    host: str,
    host_port: int,
    broker_host: str,
    extra: Iterable[Listener],
    listener_port: int = KAFKA_PORT,
) -> str:
    """Value of ``advertised.listeners``: what clients are told to connect to.

    ``host``/``host_port`` is the test host's view (``host():mapped_port(9092)``),
    ``broker_host`` the container's own host name for inter-broker traffic.
    """
    parts = [
        f"{HOST_LISTENER}://{_bracket(host)}:{host_port}",
        f"{BROKER_LISTENER}://{broker_host}:{internal_ports(listener_port)[0]}",
    ]
    parts += [listener.advertised for listener in extra]
    return ",".join(parts)


def _bracket(host: str) -> str:
    """IPv6 literals need brackets in a listener URL."""
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host
