#!/usr/bin/env python3
"""Dockyard's host relay: ports of the test host, reachable from containers.

A reverse tunnel without SSH, Python 3 standard library only. The test process connects
to RELAY_PORT (published; 7071) and says ``<token> CONTROL`` (answered ``READY``); on that
connection it asks ``LISTEN <port>`` and the relay listens on that port of its own
(answering ``OK <port>`` or ``ERR <port> <reason>``). When a container connects to one of those ports, the relay
sends ``OPEN <id> <port>`` on the control connection; the test process connects to its own
service on that port and opens a data connection to RELAY_PORT saying ``<token> DATA <id>``,
and the relay joins the two. Containers reach the relay as host.testcontainers.internal.

Every connection to RELAY_PORT must begin with RELAY_TOKEN (a secret the test process
gave the relay when it created it), or it is closed: a published port on a remote engine
must not open a way into the test host. A waiting container connection is closed after
RELAY_PENDING_TIMEOUT seconds (10) without its data connection.
"""

from __future__ import annotations

import hmac
import itertools
import os
import socket
import sys
import threading
import time

TOKEN = os.environ.get("RELAY_TOKEN", "")
PORT = int(os.environ.get("RELAY_PORT", "7071"))
PENDING_TIMEOUT = float(os.environ.get("RELAY_PENDING_TIMEOUT", "10"))
MAX_LINE = 256


def log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {message}", flush=True)


def read_line(conn: socket.socket) -> str | None:
    """One line, byte by byte (nothing after it may be consumed: data follows a DATA line)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(1)
        if not chunk or len(data) > MAX_LINE:
            return None
        data += chunk
    return data.decode("ascii", errors="replace").strip()


def splice(a: socket.socket, b: socket.socket) -> None:
    """Copy both ways until both sides have finished; then close both."""

    def pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        try:
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    other = threading.Thread(target=pump, args=(b, a), daemon=True)
    other.start()
    pump(a, b)
    other.join()
    a.close()
    b.close()


class Relay:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.control: socket.socket | None = None
        self.control_write = threading.Lock()
        self.listeners: dict[int, socket.socket] = {}
        self.pending: dict[str, tuple[socket.socket, float]] = {}
        self.ids = itertools.count(1)

    def send(self, conn: socket.socket, line: str) -> None:
        with self.control_write:
            conn.sendall(line.encode("ascii") + b"\n")

    # -- the test process's connections ----------------------------------------------
    def greet(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            line = read_line(conn)
        except OSError:
            line = None
        words = (line or "").split()
        if len(words) < 2 or not hmac.compare_digest(words[0].encode(), TOKEN.encode()):
            conn.close()
            return
        conn.settimeout(None)
        if words[1] == "CONTROL" and len(words) == 2:
            self.send(conn, "READY")
            self.serve_control(conn)
        elif words[1] == "DATA" and len(words) == 3:
            self.join(words[2], conn)
        else:
            conn.close()

    def serve_control(self, conn: socket.socket) -> None:
        with self.lock:
            previous, self.control = self.control, conn
        if previous is not None:
            previous.close()
        log("test process connected")
        try:
            while True:
                line = read_line(conn)
                if line is None:
                    break
                words = line.split()
                if len(words) == 2 and words[0] == "LISTEN" and words[1].isdigit():
                    self.send(conn, self.listen(int(words[1])))
        except OSError:
            pass
        with self.lock:
            if self.control is conn:
                self.control = None
        conn.close()
        log("test process disconnected")

    def listen(self, port: int) -> str:
        with self.lock:
            if port in self.listeners:
                return f"OK {port}"
            try:
                server = socket.create_server(("0.0.0.0", port), backlog=64)
            except OSError as exc:
                return f"ERR {port} {exc.strerror or exc}".replace("\n", " ")
            self.listeners[port] = server
        threading.Thread(target=self.accept, args=(port, server), daemon=True).start()
        log(f"listening on {port} for the test host")
        return f"OK {port}"

    def join(self, ident: str, data: socket.socket) -> None:
        with self.lock:
            entry = self.pending.pop(ident, None)
        if entry is None:
            data.close()
            return
        splice(entry[0], data)

    # -- containers' connections ------------------------------------------------------
    def accept(self, port: int, server: socket.socket) -> None:
        while True:
            client, _ = server.accept()
            ident = str(next(self.ids))
            with self.lock:
                control = self.control
                if control is not None:
                    self.pending[ident] = (client, time.monotonic() + PENDING_TIMEOUT)
            if control is None:
                client.close()
                continue
            try:
                self.send(control, f"OPEN {ident} {port}")
            except OSError:
                with self.lock:
                    self.pending.pop(ident, None)
                client.close()

    def expire(self) -> None:
        while True:
            time.sleep(1.0)
            now = time.monotonic()
            with self.lock:
                late = [i for i, (_, deadline) in self.pending.items() if deadline < now]
                expired = [self.pending.pop(i)[0] for i in late]
            for client in expired:
                client.close()


def main() -> int:
    if not TOKEN:
        log("RELAY_TOKEN is not set; refusing to run without one")
        return 2
    relay = Relay()
    server = socket.create_server(("0.0.0.0", PORT), backlog=64)
    threading.Thread(target=relay.expire, daemon=True).start()
    log(f"host relay listening on {PORT}")
    while True:
        conn, _ = server.accept()
        threading.Thread(target=relay.greet, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
