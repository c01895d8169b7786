"""A second Docker engine on this machine, reached like a remote one: TCP with TLS.

It has its own data root, exec root (and so its own managed containerd), pid file, cgroup
parent and bridge, and listens for clients only on a 127.0.0.1 port with ``--tlsverify``.
A unix socket in its private (0700) directory serves two local needs that a remote engine's
host covers with its own /var/run/docker.sock: loading images, and the reaper's mount
(TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE).

It never touches the first engine's iptables chains: it runs with ``--iptables=false``
(published ports then go through docker-proxy on 127.0.0.1), and one rule of our own lets
its containers talk to each other through FORWARD, whose policy the first engine set to
DROP. Its subnets come from a /16 of 10.0.0.0/8 that no route of the machine uses.
Everything is keyed by the owning pid, so what a killed run left is swept by the next.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from certs import TlsFiles, make_tls_files

# Not TMPDIR: under Bazel that is a long path, and unix socket paths must stay short.
BASE = Path("/tmp")
PREFIX = "dockyard-engine-"
BRIDGE_PREFIX = "dyk"
START_TIMEOUT = 60.0


class EngineStartError(RuntimeError):
    """The second engine did not come up; the message quotes its log."""


def _run(*argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(argv), capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {result.stderr.strip()}")
    return result


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_runs(prefix: str) -> list[Path]:
    """The run directories ``BASE/<prefix><pid>-…`` whose process is gone."""
    found = []
    for directory in BASE.glob(f"{prefix}*"):
        owner = directory.name[len(prefix) :].split("-")[0]
        if owner.isdigit() and not _alive(int(owner)):
            found.append(directory)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unused_subnet() -> ipaddress.IPv4Network:
    """A 10.x.0.0/16 that overlaps no route of this machine (and so no other engine's)."""
    routes = [
        ipaddress.ip_network(line.split()[0], strict=False)
        for line in _run("ip", "-4", "route", "show", "table", "all").stdout.splitlines()
        if line and line.split()[0][0].isdigit()
    ]
    candidates = list(range(200, 250))
    random.shuffle(candidates)
    for octet in candidates:
        net = ipaddress.ip_network(f"10.{octet}.0.0/16")
        if not any(net.overlaps(route) for route in routes if route.prefixlen > 0):
            return net
    raise EngineStartError("no free 10.x.0.0/16 for the second engine's networks")


def _forward_rule(subnet: ipaddress.IPv4Network, comment: str) -> list[str]:
    net = str(subnet)
    return ["FORWARD", "-s", net, "-d", net, "-m", "comment", "--comment", comment, "-j", "ACCEPT"]


def _unmount_below(root: Path) -> None:
    mounts = []
    with open("/proc/self/mounts", encoding="utf-8") as table:
        for line in table:
            point = line.split()[1].replace("\\040", " ")
            if point == str(root) or point.startswith(f"{root}/"):
                mounts.append(point)
    for point in sorted(mounts, key=len, reverse=True):
        _run("umount", "-l", point, check=False)


def remove_tree(directory: Path) -> None:
    """Unmount what is mounted below ``directory`` and remove it; a mount that a stopping
    engine (or a last podman command) makes late is caught by the retries."""
    for _ in range(5):
        _unmount_below(directory)
        shutil.rmtree(directory, ignore_errors=True)
        if not directory.exists():
            return
        time.sleep(0.5)


def sweep_leftovers() -> None:
    """Remove what second engines of dead processes left: bridge, rule, directory."""
    rules = _run("iptables", "-S", "FORWARD", check=False).stdout.splitlines()
    for rule in rules:
        if f"--comment {PREFIX}" not in rule:
            continue
        owner = rule.split(f"--comment {PREFIX}")[1].split()[0]
        if owner.isdigit() and not _alive(int(owner)):
            _run("iptables", *(["-D", *rule.split()[1:]]), check=False)
    links = _run("ip", "-o", "link", "show", "type", "bridge", check=False).stdout
    for line in links.splitlines():
        name = line.split(":")[1].strip().split("@")[0]
        owner = name[len(BRIDGE_PREFIX) :]
        if name.startswith(BRIDGE_PREFIX) and owner.isdigit() and not _alive(int(owner)):
            _run("ip", "link", "del", name, check=False)
    for directory in dead_runs(PREFIX):
        with contextlib.suppress(OSError, ValueError):
            os.kill(int((directory / "dockerd.pid").read_text()), signal.SIGKILL)
        remove_tree(directory)


@dataclass
class SecondDocker:
    """A running second dockerd; ``stop()`` removes every trace of it."""

    directory: Path
    tls: TlsFiles
    port: int
    subnet: ipaddress.IPv4Network
    bridge: str
    process: subprocess.Popen[bytes]
    log_path: Path
    _rule: list[str] = field(default_factory=list)

    @property
    def socket_path(self) -> Path:
        return self.directory / "docker.sock"

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        """What a client sets to use this engine (the reaper's mount included)."""
        return {
            "DOCKER_HOST": self.url,
            "DOCKER_TLS_VERIFY": "1",
            "DOCKER_CERT_PATH": str(self.tls.directory),
            "TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE": str(self.socket_path),
        }

    def local_cli(self) -> list[str]:
        return ["docker", "-H", f"unix://{self.socket_path}"]

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _remove_everything(self) -> None:
        """The engine is ours alone: its containers and networks all go (bridges with them)."""
        cli = self.local_cli()
        ids = _run(*cli, "ps", "-aq", check=False).stdout.split()
        if ids:
            _run(*cli, "rm", "-f", "-v", *ids, check=False)
        for name in _run(
            *cli, "network", "ls", "-q", "--filter", "type=custom", check=False
        ).stdout.split():
            _run(*cli, "network", "rm", name, check=False)

    def stop(self) -> None:
        if self.process.poll() is None:
            self._remove_everything()
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._rule:
            _run("iptables", "-D", *self._rule, check=False)
        _run("ip", "link", "del", self.bridge, check=False)
        remove_tree(self.directory)


def start_second_docker() -> SecondDocker:
    """Start the engine and wait until it answers over TLS."""
    if shutil.which("dockerd") is None:
        raise EngineStartError("dockerd is missing: run tools/bootstrap/engine.sh")
    sweep_leftovers()
    pid = os.getpid()
    directory = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{pid}-", dir=BASE))
    directory.chmod(0o700)
    tls = make_tls_files(directory / "tls")
    subnet = unused_subnet()
    bridge = f"{BRIDGE_PREFIX}{pid}"
    hosts = list(subnet.subnets(new_prefix=24))
    bridge_net = hosts[-1]  # the default bridge; user networks come from the lower half
    pool = next(subnet.subnets(new_prefix=17))
    _run("ip", "link", "add", "name", bridge, "type", "bridge")
    gateway = next(bridge_net.hosts())
    _run("ip", "addr", "add", f"{gateway}/{bridge_net.prefixlen}", "dev", bridge)
    _run("ip", "link", "set", bridge, "up")
    rule = _forward_rule(subnet, f"{PREFIX}{pid}")
    _run("iptables", "-I", *rule[:1], "1", *rule[1:])
    config = directory / "daemon.json"
    config.write_text(json.dumps({}), encoding="utf-8")  # not /etc/docker/daemon.json
    port = free_port()
    log_path = directory / "dockerd.log"
    argv = [
        "dockerd",
        "--config-file",
        str(config),
        "--data-root",
        str(directory / "data"),
        "--exec-root",
        str(directory / "exec"),
        "--pidfile",
        str(directory / "dockerd.pid"),
        "--host",
        f"tcp://127.0.0.1:{port}",
        "--host",
        f"unix://{directory / 'docker.sock'}",
        "--tlsverify",
        "--tlscacert",
        str(tls.ca),
        "--tlscert",
        str(tls.server_cert),
        "--tlskey",
        str(tls.server_key),
        "--bridge",
        bridge,
        "--iptables=false",
        "--ip-masq=false",
        "--default-address-pool",
        f"base={pool},size=24",
        "--cgroup-parent",
        f"/{PREFIX}{pid}",
        "--shutdown-timeout",
        "2",
        # Names that are no container's are asked of the bridge address, where nothing
        # answers: they fail at once instead of waiting for a resolver our unmasqueraded
        # subnet cannot reach (and no query leaves the machine).
        "--dns",
        str(gateway),
        # ...and the containers' resolver gives up after a second, not ten.
        "--dns-opt",
        "timeout:1",
        "--dns-opt",
        "attempts:1",
    ]
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT
        )
    engine = SecondDocker(directory, tls, port, subnet, bridge, process, log_path, rule)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            engine.stop()
            raise EngineStartError(
                f"dockerd exited with {process.returncode}:\n{engine.log_tail()}"
            )
        probe = _run(
            "docker",
            "--tlsverify",
            "--tlscacert",
            str(tls.ca),
            "--tlscert",
            str(tls.client_cert),
            "--tlskey",
            str(tls.client_key),
            "-H",
            engine.url,
            "version",
            "--format",
            "{{.Server.Version}}",
            check=False,
        )
        if probe.returncode == 0:
            return engine
        time.sleep(0.3)
    tail = engine.log_tail()
    engine.stop()
    raise EngineStartError(f"dockerd did not answer within {START_TIMEOUT:.0f}s:\n{tail}")
