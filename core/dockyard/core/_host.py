"""Which address the test process uses to reach a container's published ports.

The rules, in order:
1. TESTCONTAINERS_HOST_OVERRIDE (or ``host.override``) wins.
2. A tcp://, http(s):// or ssh:// DOCKER_HOST: that URL's host.
3. A local socket (unix/npipe) outside a container: ``localhost``.
4. A local socket inside a container: if the process serving the socket shares our
   network namespace (SO_PEERCRED names it), or if the engine's bridge gateway (reported, or the
   first address of the bridge subnet when the engine reports none) is an address of
   this very network namespace, the engine runs beside us (e.g. a CI container that
   runs its own dockerd) and ``localhost`` is right. Otherwise the answer is ambiguous
   between ``localhost`` and the gateways the engine or the routing table reports; a TCP
   connect to a real published port decides (loopback first; with no gateway at all,
   loopback is still probed), and the answer is cached for the session.

Only loopback and gateways reported by the engine or by /proc/net/route are ever
connected to; "is this address ours" is decided by ``bind()``, which sends nothing.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import struct
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from ._engine import Engine

log = logging.getLogger("dockyard.core.host")

LOCALHOST = "localhost"
PROBE_TIMEOUT = 0.5


@dataclass(frozen=True)
class HostDecision:
    """Either a definite host, or candidates that must be probed in order."""

    host: str | None = None
    candidates: tuple[str, ...] = field(default_factory=tuple)
    fallback: str = LOCALHOST
    #: Why, in words (``dockyard doctor`` prints it).
    reason: str = ""

    @property
    def is_loopback(self) -> bool:
        return self.host is not None and is_loopback(self.host)


def is_loopback(host: str) -> bool:
    if host == LOCALHOST:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def decide_host(
    *,
    override: str | None,
    docker_host: str,
    in_container: bool,
    engine_is_local: Callable[[], bool],
    gateways: Callable[[], Sequence[str]],
) -> HostDecision:
    """The pure decision table; the callables are only consulted when needed."""
    if override:
        return HostDecision(host=override, reason="TESTCONTAINERS_HOST_OVERRIDE (host.override)")
    url = urlparse(docker_host)
    if url.scheme in ("tcp", "http", "https", "ssh"):
        return HostDecision(
            host=url.hostname or LOCALHOST, reason=f"the host of DOCKER_HOST={docker_host}"
        )
    if not in_container:
        return HostDecision(host=LOCALHOST, reason="a local engine socket, outside a container")
    if engine_is_local():
        return HostDecision(
            host=LOCALHOST,
            reason="inside a container, with the engine served from this network namespace",
        )
    found = [g for g in dict.fromkeys(gateways()) if g and g != LOCALHOST]
    # No gateway found: still probe loopback rather than assume it.
    return HostDecision(
        candidates=(LOCALHOST, *found),
        fallback=found[0] if found else LOCALHOST,
        reason="inside a container: the first of these that reaches a published port",
    )


def running_in_container() -> bool:
    if Path("/.dockerenv").exists() or Path("/run/.containerenv").exists():
        return True
    try:
        cgroup = Path("/proc/1/cgroup").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(word in cgroup for word in ("docker", "kubepods", "containerd"))


def address_is_local(address: str) -> bool:
    """True when this network namespace owns the address (bind succeeds; sends nothing)."""
    try:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.bind((address, 0))
        return True
    except OSError:
        return False


def _bridge_ipam(engine: Engine) -> list[dict[str, str]]:
    try:
        configs = engine.inspect_network("bridge").get("IPAM", {}).get("Config") or []
        return [dict(c) for c in configs]
    except Exception as exc:  # the bridge may be absent; host resolution must not fail on it
        log.debug("no bridge network: %s", exc)
        return []


def engine_gateways(engine: Engine) -> list[str]:
    """Gateways the engine itself reports: the default bridge's, and our own container's
    (``NetworkSettings.Gateway`` and each network's) when we are one of its containers."""
    result: list[str] = []
    for cfg in _bridge_ipam(engine):
        if cfg.get("Gateway"):
            result.append(str(cfg["Gateway"]))
    try:
        me = engine.inspect_container(socket.gethostname())
        settings = me.get("NetworkSettings", {}) or {}
        gateways = [settings.get("Gateway")]
        gateways += [net.get("Gateway") for net in (settings.get("Networks") or {}).values()]
        result.extend(str(g) for g in gateways if g)
    except Exception as exc:  # we may not be a container of this engine at all
        log.debug("this process runs in none of the engine's containers (%s)", type(exc).__name__)
    return list(dict.fromkeys(result))


def bridge_addresses(engine: Engine) -> list[str]:
    """Where the engine's bridge lives: its reported gateways, else the first address of
    each bridge subnet (what the engine gives its bridge when the IPAM config omits it).
    Only ever tested with bind(), never connected to."""
    result: list[str] = []
    for cfg in _bridge_ipam(engine):
        if cfg.get("Gateway"):
            result.append(str(cfg["Gateway"]))
        elif cfg.get("Subnet"):
            try:
                result.append(str(next(ipaddress.ip_network(cfg["Subnet"]).hosts())))
            except (ValueError, StopIteration):
                continue
    return result


def route_gateways(route_text: str | None = None) -> list[str]:
    """Gateways of the default IPv4 routes in /proc/net/route (text given for tests)."""
    if route_text is None:
        try:
            route_text = Path("/proc/net/route").read_text(encoding="ascii", errors="replace")
        except OSError:
            return []
    result: list[str] = []
    for line in route_text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 4 or fields[1] != "00000000":
            continue
        try:
            flags, gateway = int(fields[3], 16), int(fields[2], 16)
        except ValueError:
            continue
        if flags & 0x2 and gateway:  # RTF_GATEWAY; the kernel prints it little-endian
            result.append(str(ipaddress.IPv4Address(gateway.to_bytes(4, "little"))))
    return list(dict.fromkeys(result))


def socket_peer_shares_our_network(docker_host: str) -> bool:
    """True when the process behind a unix:// engine socket is in our network namespace.

    Decides without the engine's bridge, which Podman only creates with its first
    container. A server outside our pid namespace (a mounted socket) shows as pid 0:
    then nothing is known here and False is the answer.
    """
    url = urlparse(docker_host)
    if url.scheme != "unix" or not url.path:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(PROBE_TIMEOUT)
            sock.connect(url.path)
            raw = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        pid = struct.unpack("3i", raw)[0]
        if pid <= 0:
            return False
        return os.readlink(f"/proc/{pid}/ns/net") == os.readlink("/proc/self/ns/net")
    except (OSError, AttributeError) as exc:  # no SO_PEERCRED off Linux; no /proc access
        log.debug("cannot tell where %s is served from: %s", docker_host, exc)
        return False


def engine_is_local(engine: Engine) -> bool:
    """True when the engine's socket is served from our network namespace, or its bridge is
    an address of this namespace."""
    if socket_peer_shares_our_network(engine.url):
        return True
    return any(
        address_is_local(a)
        for a in dict.fromkeys(engine_gateways(engine) + bridge_addresses(engine))
    )


def tcp_reachable(host: str, port: int, timeout: float = PROBE_TIMEOUT) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class HostResolver:
    """Decides the host once per session (one engine); probes at most once per decision."""

    def __init__(self, engine: Engine, override: str | None) -> None:
        self._engine = engine
        self._override = override
        self._lock = threading.Lock()
        self._decision: HostDecision | None = None
        self._probed: str | None = None

    def decision(self) -> HostDecision:
        with self._lock:
            if self._decision is None:
                self._decision = decide_host(
                    override=self._override,
                    docker_host=self._engine.url,
                    in_container=running_in_container(),
                    engine_is_local=lambda: engine_is_local(self._engine),
                    gateways=lambda: engine_gateways(self._engine) + route_gateways(),
                )
            return self._decision

    def resolve(self, probe_port: int | Callable[[], int | None] | None) -> str:
        decision = self.decision()
        if decision.host is not None:
            return decision.host
        with self._lock:
            if self._probed is not None:
                return self._probed
        port = probe_port() if callable(probe_port) else probe_port
        if port is None:
            return decision.fallback
        for candidate in decision.candidates:
            if tcp_reachable(candidate, port):
                log.debug("host %s reaches published port %s", candidate, port)
                with self._lock:
                    self._probed = candidate
                return candidate
        return decision.fallback

    def publish_address(self) -> str:
        """Where to publish ports: loopback when the tests reach the engine on loopback,
        else every address, spelt as the engine's default ("") rather than "0.0.0.0":
        Podman (netavark 1.4) turns a literal 0.0.0.0 into a rule that matches no packet."""
        return "127.0.0.1" if self.decision().is_loopback else ""
