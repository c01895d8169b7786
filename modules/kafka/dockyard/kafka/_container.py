"""KafkaContainer: a single-node KRaft broker whose advertised listeners are right.

The difficulty: a client that bootstraps from ``host:port`` is then told by the broker
where to connect (``advertised.listeners``). For the test host that is
``host():mapped_port(9092)`` — known only after Docker started the container and picked a
host port. So the container does not start Kafka at once: its command waits for a start
script, which ``_on_started`` writes once the mapping is known; the script exports
``KAFKA_ADVERTISED_LISTENERS`` with the real address and execs the image's
``/etc/kafka/docker/run``. Everything else goes through the apache/kafka image's
environment interface (``KAFKA_*`` → ``server.properties``, ``CLUSTER_ID``).

Peers on a Docker network need a different address — an alias on that network — so each
``with_listener("alias:port")`` adds a listener advertised exactly as written.
"""

from __future__ import annotations

import base64
import binascii
import shlex
import uuid
from dataclasses import dataclass
from typing import Any, Self

from dockyard.core import (
    ConfigurationError,
    ContainerSpec,
    Network,
    RunningContainer,
    ServiceContainer,
    WaitStrategy,
)

from ._clients import KafkaClients
from ._listeners import (
    BROKER_LISTENER,
    CONTROLLER_LISTENER,
    KAFKA_PORT,
    KafkaListenerError,
    Listener,
    advertised_setting,
    internal_ports,
    listeners_setting,
    parse_listener,
    protocol_map_setting,
)
from ._wait import KafkaMetadataWaitStrategy

DEFAULT_IMAGE = "apache/kafka:4.1.1"

#: Written by ``_on_started`` once the host port is known; the container's command waits
#: until it exists and is non-empty (``-s``: a half-copied, still empty file never runs).
START_SCRIPT = "/tmp/dockyard-start.sh"
WAIT_FOR_START_SCRIPT = (
    f"while [ ! -s {START_SCRIPT} ]; do sleep 0.05; done; exec sh {START_SCRIPT}"
)
#: The image's entry point that turns KAFKA_* variables into server.properties and runs Kafka.
KAFKA_RUN = "/etc/kafka/docker/run"

_BROKER_HOST_MARK = "\x00broker-host\x00"

NetworkRef = Network | str

#: The cluster id of every KafkaContainer that is not given one.
DEFAULT_CLUSTER_ID = (
    base64.urlsafe_b64encode(uuid.uuid5(uuid.NAMESPACE_URL, "https://dockyard.invalid/kafka").bytes)
    .decode()
    .rstrip("=")
)


def _network_name(network: NetworkRef) -> str:
    return network.name if isinstance(network, Network) else network


def random_cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes as 22 characters of URL-safe base64."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


def check_cluster_id(cluster_id: str) -> str:
    """Kafka's cluster ids are UUIDs written as 22 characters of URL-safe base64."""
    hint = (
        "A cluster id is 22 characters of URL-safe base64 (16 bytes), e.g. "
        f"{random_cluster_id()!r}; `kafka-storage.sh random-uuid` prints one."
    )
    if not isinstance(cluster_id, str) or len(cluster_id) != 22:
        raise ConfigurationError(f"Cluster id {cluster_id!r} is invalid. {hint}")
    try:
        raw = base64.urlsafe_b64decode(cluster_id + "==")
    except (binascii.Error, ValueError):
        raise ConfigurationError(f"Cluster id {cluster_id!r} is invalid. {hint}") from None
    if len(raw) != 16 or not all(c.isalnum() or c in "-_" for c in cluster_id):
        raise ConfigurationError(f"Cluster id {cluster_id!r} is invalid. {hint}")
    return cluster_id


@dataclass
class KafkaConfig:
    """testcontainers-python's ``kafka_config``. ``limit_broker_to_first_host`` is accepted
    and needs nothing here: the broker advertises its host name, never ``hostname -i``'s
    list of addresses."""

    limit_broker_to_first_host: bool = False


kafka_config = KafkaConfig()


class KafkaContainer(KafkaClients, ServiceContainer):
    """Apache Kafka in KRaft mode (one node, broker and controller), for tests.

    >>> with KafkaContainer() as kafka:
    ...     kafka.create_topics("orders")
    ...     kafka.producer().send("orders", b"hello").get(timeout=10)
    ...     consumer = kafka.consumer("orders")

    For containers on a Docker network add a listener per alias::

        KafkaContainer().with_network(net).with_listener("kafka:19092")

    and point those containers at ``kafka:19092`` (``get_internal_bootstrap_servers()``).
    """

    default_image = DEFAULT_IMAGE
    default_port = KAFKA_PORT

    def __init__(
        self,
        image: str = DEFAULT_IMAGE,
        port: int = KAFKA_PORT,
        *,
        cluster_id: str | None = None,
        node_id: int = 1,
        **docker_run_kwargs: Any,
    ) -> None:
        """``port`` is where clients on the test host connect inside the container (the
        host port is random); testcontainers-python's ``port``."""
        if docker_run_kwargs.pop("port_to_expose", None):
            raise ConfigurationError("Use `port` instead of `port_to_expose`.")
        super().__init__(image, port, **docker_run_kwargs)
        #: Always true: Dockyard's broker is KRaft (testcontainers-python's attribute).
        self.kraft_enabled = True
        # A fixed default: two containers of the same settings are the same broker, so
        # processes can share one (with_sharing); give one explicitly to tell them apart.
        self._cluster_id = check_cluster_id(cluster_id) if cluster_id else DEFAULT_CLUSTER_ID
        self._node_id = node_id
        # (listener, the network its alias belongs to — None: the last network at start)
        self._kafka_listeners: list[tuple[Listener, NetworkRef | None]] = []
        # Defaults through the image's environment interface; with_env() may override them.
        self.with_envs(
            KAFKA_NODE_ID=node_id,
            KAFKA_PROCESS_ROLES="broker,controller",
            KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER_LISTENER,
            KAFKA_CONTROLLER_QUORUM_VOTERS=f"{node_id}@localhost:{internal_ports(port)[1]}",
            KAFKA_INTER_BROKER_LISTENER_NAME=BROKER_LISTENER,
            KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1,
            KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS=1,
            KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=1,
            KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=1,
            KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR=1,
            KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR=1,
            KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS=0,
        )

    # ----------------------------------------------------------------- builder
    def with_kraft(self) -> Self:
        """testcontainers-python's switch to KRaft mode: Dockyard's broker always is one."""
        return self

    def create_file(self, content: bytes, path: str) -> None:
        """Copy ``content`` to ``path`` in the running broker (testcontainers-python's name)."""
        self.copy_to_container(content, path)

    def with_cluster_id(self, cluster_id: str) -> Self:
        """Use this KRaft cluster id (22 characters of URL-safe base64) instead of a random one."""
        self._cluster_id = check_cluster_id(cluster_id)
        return self

    def with_listener(
        self, spec: str, network: NetworkRef | None = None, *, name: str | None = None
    ) -> Self:
        """Add a listener for containers on a Docker network, advertised as ``alias:port``.

        ``spec`` is ``"alias:port"`` (e.g. ``"kafka:19092"``), optionally ``"NAME://alias:port"``
        to name the listener (default NETWORK1, NETWORK2, …). The alias is added to
        ``network`` — attached now if it is not yet — or, without ``network``, to the most
        recently added network (the last one at ``start()`` if none is added yet).
        A bad spec raises :class:`KafkaListenerError` (a ``ConfigurationError``) at once.
        """
        listener = parse_listener(spec, [lst for lst, _ in self._kafka_listeners], name)
        if network is not None:
            if not isinstance(network, Network | str) or not _network_name(network):
                raise KafkaListenerError(
                    f"with_listener({spec!r}, network=...) needs a Network or a network name, "
                    f"got {network!r}."
                )
            if _network_name(network) not in self.networks:
                self.with_network(network)
            target: NetworkRef | None = network
        else:
            target = self.networks[-1] if self.networks else None
        self._kafka_listeners.append((listener, target))
        if target is not None:
            self.with_network_aliases(listener.alias, network=target)
        return self

    # ------------------------------------------------------------------- hooks
    def _bound_listeners(self, networks: list[str]) -> list[tuple[Listener, NetworkRef]]:
        """Each listener with its network: one given without a network goes to the last one."""
        bound: list[tuple[Listener, NetworkRef]] = []
        for listener, network in self._kafka_listeners:
            if network is None:
                if not networks:
                    raise KafkaListenerError(
                        f"Listener {listener.address} is for containers on a Docker network, "
                        "but this container joins none: call with_network(network) before "
                        f"start(), or pass it: with_listener({listener.address!r}, network)."
                    )
                network = networks[-1]
            bound.append((listener, network))
        return bound

    def _configure_spec(self, spec: ContainerSpec) -> ContainerSpec:
        spec = super()._configure_spec(spec)
        for listener, network in self._bound_listeners(spec.network_names):
            if listener.alias not in spec.network_aliases(network):
                spec = spec.with_network_aliases(listener.alias, network=network)
        extra = self.listeners
        return (
            spec.with_env("CLUSTER_ID", self._cluster_id)
            .with_env("KAFKA_LISTENERS", listeners_setting(extra, self.port))
            .with_env("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", protocol_map_setting(extra))
            # Kafka starts from the start script, once the host port is known.
            .with_entrypoint(["sh"])
            .with_command(["-c", WAIT_FOR_START_SCRIPT])
        )

    def _on_started(self, container: RunningContainer) -> None:
        super()._on_started(container)
        if not container.created:
            return  # a shared broker found running: its creator wrote the start script
        script = self.start_script(container.host(), container.mapped_port(self.port))
        container.copy_to(script.encode(), START_SCRIPT, mode=0o755)

    def _default_wait_strategy(self) -> WaitStrategy | None:
        return KafkaMetadataWaitStrategy(self.port)

    def start_script(self, host: str, host_port: int) -> str:
        """The script that starts Kafka, advertising ``host:host_port`` to the test host."""
        advertised = advertised_setting(
            host, host_port, _BROKER_HOST_MARK, self.listeners, self.port
        )
        before, after = advertised.split(_BROKER_HOST_MARK)
        value = shlex.quote(before) + '"$broker_host"' + shlex.quote(after)
        return (
            "#!/bin/sh\n"
            "# Written by dockyard.kafka after the container started: the host port is known.\n"
            'broker_host="${HOSTNAME:-$(hostname)}"\n'
            f"export KAFKA_ADVERTISED_LISTENERS={value}\n"
            f"exec {KAFKA_RUN}\n"
        )

    # -------------------------------------------------------------- accessors
    @property
    def cluster_id(self) -> str:
        return self._cluster_id

    @property
    def node_id(self) -> int:
        return self._node_id

    @property
    def listeners(self) -> tuple[Listener, ...]:
        """The listeners added with ``with_listener``, in order."""
        return tuple(listener for listener, _ in self._kafka_listeners)

    def get_bootstrap_server(self) -> str:
        """``host:port`` for clients on the test host (the advertised PLAINTEXT listener)."""
        host = self.host()
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"{host}:{self.mapped_port(self.port)}"

    def get_internal_bootstrap_servers(self, network: NetworkRef | None = None) -> list[str]:
        """``alias:port`` of each ``with_listener`` listener, for containers on a network.

        With ``network``, only the listeners whose alias lives on that network.
        """
        wanted = _network_name(network) if network is not None else None
        servers = []
        for listener, net in self._kafka_listeners:
            on = _network_name(net) if net is not None else None
            if wanted is None or on == wanted or (on is None and self._is_last(wanted)):
                servers.append(listener.address)
        return servers

    def _is_last(self, network_name: str) -> bool:
        return bool(self.networks) and self.networks[-1] == network_name
