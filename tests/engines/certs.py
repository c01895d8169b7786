"""TLS material for a test engine, made with the openssl command for one test session.

One throwaway CA signs a server certificate (for 127.0.0.1 and localhost) and a client
certificate. The client's files carry the names Docker's clients look for in
DOCKER_CERT_PATH (``ca.pem``, ``cert.pem``, ``key.pem``); the server's stay beside them.
Keys are never reused: every session makes its own, valid for a day.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


class OpensslMissingError(RuntimeError):
    """openssl is not installed; tools/bootstrap/engines.sh installs it."""


@dataclass(frozen=True)
class TlsFiles:
    directory: Path  # DOCKER_CERT_PATH

    @property
    def ca(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def client_cert(self) -> Path:
        return self.directory / "cert.pem"

    @property
    def client_key(self) -> Path:
        return self.directory / "key.pem"

    @property
    def server_cert(self) -> Path:
        return self.directory / "server-cert.pem"

    @property
    def server_key(self) -> Path:
        return self.directory / "server-key.pem"


def _openssl(*args: str, cwd: Path) -> None:
    result = subprocess.run(
        ["openssl", *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed: {result.stderr.strip()}")


def _signed(cwd: Path, name: str, subject: str, extensions: str) -> None:
    """``name-key.pem`` and ``name.pem``: a fresh key and its certificate from our CA."""
    _openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        f"{name}-key.pem",
        "-out",
        f"{name}.csr",
        "-subj",
        subject,
        cwd=cwd,
    )
    (cwd / f"{name}.ext").write_text(extensions, encoding="ascii")
    _openssl(
        "x509",
        "-req",
        "-in",
        f"{name}.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca-key.pem",
        "-CAcreateserial",
        "-days",
        "1",
        "-out",
        f"{name}.pem",
        "-extfile",
        f"{name}.ext",
        cwd=cwd,
    )


def make_tls_files(directory: Path) -> TlsFiles:
    """CA, server and client certificates in ``directory`` (created, mode 0700)."""
    if shutil.which("openssl") is None:
        raise OpensslMissingError("openssl is missing: run tools/bootstrap/engines.sh")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca-key.pem",
        "-out",
        "ca.pem",
        "-days",
        "1",
        "-subj",
        "/CN=dockyard test engine CA",
        cwd=directory,
    )
    _signed(
        directory,
        "server",
        "/CN=127.0.0.1",
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
    )
    _signed(directory, "client", "/CN=dockyard test client", "extendedKeyUsage=clientAuth\n")
    (directory / "server.pem").rename(directory / "server-cert.pem")
    (directory / "client.pem").rename(directory / "cert.pem")
    (directory / "client-key.pem").rename(directory / "key.pem")
    return TlsFiles(directory)
