#!/usr/bin/env python3
"""Dockyard's reaper: removes a test session's containers, networks, volumes and images
once the session is gone. Speaks the Ryuk protocol (Python 3 standard library only).

Protocol: clients connect to TCP port 8080 and send lines of filters in query-string
form, e.g. ``label=org.testcontainers.sessionId%3Dabc&label=x%3Dy``; every line is one
filter set (its filters must all match) and is answered with ``ACK``. Clients keep the
connection open for as long as their session lives. When no client has been connected
for RYUK_RECONNECTION_TIMEOUT (default 10s), or nobody connected within
RYUK_CONNECTION_TIMEOUT (default 60s), everything matching any filter set is removed —
containers (forced, with their volumes), then networks, volumes and images — never the
reaper's own container, and the reaper exits.

Environment: RYUK_PORT (8080), RYUK_CONNECTION_TIMEOUT, RYUK_RECONNECTION_TIMEOUT
(Go-style durations: "10s", "500ms", "1m30s", or plain seconds), RYUK_VERBOSE,
DOCKER_HOST (unix:///var/run/docker.sock).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse
from pathlib import Path

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> float:
    """Seconds in a Go duration ("1m30s", "500ms") or a plain number of seconds."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    parts = re.findall(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"not a duration: {text!r}")
    return sum(float(n) * _UNITS[u] for n, u in parts)


def env_duration(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        return parse_duration(value)
    except ValueError:
        log(f"ignoring {name}={value!r}: not a duration; using {default:g}s")
        return default


def log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {message}", flush=True)


# ----------------------------------------------------------------------------- Docker API


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float = 30.0):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


class Docker:
    def __init__(self, host: str | None = None):
        host = host or "unix:///var/run/docker.sock"
        if not host.startswith("unix://"):
            raise SystemExit(f"only unix sockets are supported, DOCKER_HOST={host}")
        self.path = host[len("unix://") :]

    def call(self, method: str, path: str, query: dict | None = None) -> tuple[int, object]:
        if query:
            path += "?" + urllib.parse.urlencode(query)
        conn = UnixHTTPConnection(self.path)
        try:
            conn.request(method, path, headers={"Host": "docker"})
            resp = conn.getresponse()
            body = resp.read()
        finally:
            conn.close()
        try:
            data = json.loads(body) if body else None
        except ValueError:
            data = body.decode(errors="replace")
        return resp.status, data

    def list(self, path: str, filters: dict[str, list[str]], extra: dict | None = None) -> list:
        status, data = self.call("GET", path, {"filters": json.dumps(filters), **(extra or {})})
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {error_text(data)}")
        if isinstance(data, dict):  # /volumes wraps its list
            data = data.get("Volumes") or []
        return data or []


def error_text(data: object) -> str:
    if isinstance(data, dict):
        return str(data.get("message", data))
    return str(data)


def own_container_id() -> str:
    """The reaper's container id, from the cgroup or mount tables (else the hostname)."""
    for path in ("/proc/self/mountinfo", "/proc/self/cgroup"):
        try:
            text = Path(path).read_text()
        except OSError:
            continue
        match = re.search(r"/containers/([0-9a-f]{64})/", text) or re.search(
            r"docker[-/]([0-9a-f]{64})", text
        )
        if match:
            return match.group(1)
    name = socket.gethostname()
    return name if re.fullmatch(r"[0-9a-f]{12,64}", name) else ""


# ----------------------------------------------------------------------------- the reaper


class Reaper:
    def __init__(self, docker: Docker, connect_timeout: float, reconnect_timeout: float):
        self.docker = docker
        self.connect_timeout = connect_timeout
        self.reconnect_timeout = reconnect_timeout
        self.lock = threading.Lock()
        self.filters: dict[str, dict[str, list[str]]] = {}  # canonical JSON -> filter set
        self.clients = 0
        self.ever_connected = False
        self.last_left = time.monotonic()
        self.started = time.monotonic()
        self.closing = False

    # -- connections
    def register(self, line: str) -> bool:
        try:
            pairs = urllib.parse.parse_qsl(line, keep_blank_values=True, strict_parsing=True)
        except ValueError:
            return False
        if not pairs:
            return False
        filters: dict[str, list[str]] = {}
        for key, value in pairs:
            filters.setdefault(key, [])
            if value not in filters[key]:
                filters[key].append(value)
        for values in filters.values():
            values.sort()
        key = json.dumps(filters, sort_keys=True)
        with self.lock:
            new = key not in self.filters
            self.filters[key] = filters
        log(f"{'adding' if new else 'already have'} filter {key}")
        return True

    def serve_client(self, conn: socket.socket, peer) -> None:
        with self.lock:
            self.clients += 1
            self.ever_connected = True
            count = self.clients
        log(f"client connected: {peer[0]}:{peer[1]} ({count} connected)")
        buffer = b""
        try:
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                buffer += chunk
                while b"\n" in buffer:
                    raw, buffer = buffer.split(b"\n", 1)
                    self.handle_line(conn, raw)
            if buffer.strip():
                self.handle_line(conn, buffer)
        except OSError as err:
            log(f"client {peer[0]}:{peer[1]}: {err}")
        finally:
            conn.close()
            with self.lock:
                self.clients -= 1
                self.last_left = time.monotonic()
                count = self.clients
            log(f"client disconnected: {peer[0]}:{peer[1]} ({count} connected)")

    def handle_line(self, conn: socket.socket, raw: bytes) -> None:
        line = raw.decode(errors="replace").strip()
        if not line:
            return
        if self.register(line):
            with contextlib.suppress(OSError):
                conn.sendall(b"ACK\n")
        else:
            log(f"ignoring malformed filter line {line!r}")
            with contextlib.suppress(OSError):
                conn.sendall(b"ERROR invalid filter\n")

    def should_reap(self) -> str | None:
        now = time.monotonic()
        with self.lock:
            if self.clients:
                return None
            if self.ever_connected:
                if now - self.last_left >= self.reconnect_timeout:
                    return f"no client for {self.reconnect_timeout:g}s"
            elif now - self.started >= self.connect_timeout:
                return f"nobody connected within {self.connect_timeout:g}s"
        return None

    # -- removal
    def reap(self) -> None:
        with self.lock:
            filter_sets = list(self.filters.values())
        if not filter_sets:
            log("no filters registered: nothing to remove")
            return
        me = own_container_id()
        counts = {}
        counts["containers"] = self.remove_containers(filter_sets, me)
        counts["networks"] = self.remove_each(
            filter_sets, "networks", "/networks", "Id", "/networks/{}", {}
        )
        counts["volumes"] = self.remove_each(
            filter_sets, "volumes", "/volumes", "Name", "/volumes/{}", {}
        )
        counts["images"] = self.remove_each(
            filter_sets,
            "images",
            "/images/json",
            "Id",
            "/images/{}",
            {"force": "1", "noprune": "0"},
        )
        log("removed " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))

    def remove_containers(self, filter_sets, me: str) -> int:
        removed = 0
        for filters in filter_sets:
            try:
                found = self.docker.list("/containers/json", filters, {"all": "1"})
            except Exception as err:
                log(f"listing containers for {json.dumps(filters)} failed: {err}")
                continue
            for item in found:
                cid = item.get("Id", "")
                if not cid:
                    continue
                if me and cid.startswith(me):
                    log(f"skipping container {cid[:12]}: that is me")
                    continue
                status, data = self.docker.call(
                    "DELETE", f"/containers/{cid}", {"force": "1", "v": "1"}
                )
                if status in (204, 200):
                    log(f"removed container {cid[:12]} {item.get('Names', [''])[0]}")
                    removed += 1
                elif status == 404:
                    pass
                else:
                    log(f"removing container {cid[:12]} failed ({status}): {error_text(data)}")
        return removed

    def remove_each(
        self,
        filter_sets,
        kind: str,
        list_path: str,
        id_key: str,
        delete_path: str,
        query: dict,
        attempts: int = 10,
    ) -> int:
        """Lists and removes one kind of object, retrying while they are still in use."""
        pending: dict[str, str] = {}
        for filters in filter_sets:
            try:
                for item in self.docker.list(list_path, filters):
                    pending[item[id_key]] = (
                        item.get("Name") or ",".join(item.get("RepoTags") or []) or item[id_key]
                    )
            except Exception as err:
                log(f"listing {kind} for {json.dumps(filters)} failed: {err}")
        removed = 0
        for attempt in range(1, attempts + 1):
            for ident, name in list(pending.items()):
                status, data = self.docker.call(
                    "DELETE", delete_path.format(urllib.parse.quote(ident, safe="")), query or None
                )
                if status in (200, 204, 404):
                    if status != 404:
                        log(f"removed {kind[:-1]} {name}")
                        removed += 1
                    del pending[ident]
                elif attempt == attempts:
                    log(f"removing {kind[:-1]} {name} failed ({status}): {error_text(data)}")
            if not pending:
                break
            time.sleep(min(0.2 * attempt, 1.0))
        return removed


def main() -> int:
    port = int(os.environ.get("RYUK_PORT", "8080"))
    connect_timeout = env_duration("RYUK_CONNECTION_TIMEOUT", 60.0)
    reconnect_timeout = env_duration("RYUK_RECONNECTION_TIMEOUT", 10.0)
    reaper = Reaper(Docker(os.environ.get("DOCKER_HOST")), connect_timeout, reconnect_timeout)

    status, data = reaper.docker.call("GET", "/_ping")
    if status != 200:
        log(f"the Docker engine does not answer at {reaper.docker.path}: {status} {data}")
        return 1

    server = socket.socket(
        socket.AF_INET6 if socket.has_ipv6 else socket.AF_INET, socket.SOCK_STREAM
    )
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        if server.family == socket.AF_INET6:
            server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            server.bind(("::", port))
        else:
            server.bind(("0.0.0.0", port))
    except OSError:  # no IPv6 in this network namespace
        server.close()
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("0.0.0.0", port))
    server.listen(64)
    server.settimeout(0.1)
    print("Started!", flush=True)
    log(
        f"listening on :{port}; connection timeout {connect_timeout:g}s, "
        f"reconnection timeout {reconnect_timeout:g}s"
    )

    stop = threading.Event()

    def on_signal(signum, _frame):
        log(f"received signal {signum}: exiting without removing anything")
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    reason = None
    while not stop.is_set():
        try:
            conn, peer = server.accept()
        except TimeoutError:
            conn = None
        except OSError as err:
            log(f"accept failed: {err}")
            conn = None
        if conn is not None:
            conn.setblocking(True)
            threading.Thread(target=reaper.serve_client, args=(conn, peer[:2]), daemon=True).start()
            continue
        reason = reaper.should_reap()
        if reason:
            # A client that arrived just now still cancels the removal.
            server.setblocking(False)
            try:
                conn, peer = server.accept()
            except OSError:
                break
            server.settimeout(0.1)
            conn.setblocking(True)
            threading.Thread(target=reaper.serve_client, args=(conn, peer[:2]), daemon=True).start()
            reason = None
    server.close()
    if stop.is_set():
        return 0
    log(f"{reason}: removing what the filters match")
    reaper.reap()
    log("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
