"""The engine harness's own pieces that need no engine: certificates, subnets, grouping."""

from __future__ import annotations

import ipaddress
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from certs import make_tls_files
from run_on_engine import groups
from second_docker import unused_subnet


def _openssl(*args: str) -> str:
    return subprocess.run(["openssl", *args], capture_output=True, text=True, check=True).stdout


def test_certificates_chain_to_the_ca_and_name_loopback(tmp_path: Path) -> None:
    tls = make_tls_files(tmp_path / "tls")
    for cert in (tls.server_cert, tls.client_cert):
        assert f"{cert}: OK" in _openssl("verify", "-CAfile", str(tls.ca), str(cert))
    server = _openssl("x509", "-in", str(tls.server_cert), "-noout", "-text")
    assert "IP Address:127.0.0.1" in server and "TLS Web Server Authentication" in server
    client = _openssl("x509", "-in", str(tls.client_cert), "-noout", "-text")
    assert "TLS Web Client Authentication" in client
    assert (tmp_path / "tls").stat().st_mode & 0o077 == 0  # keys readable by root only


def test_the_second_engines_subnet_overlaps_no_route() -> None:
    subnet = unused_subnet()
    assert subnet.prefixlen == 16 and subnet.subnet_of(ipaddress.ip_network("10.0.0.0/8"))
    routes = subprocess.run(
        ["ip", "-4", "route", "show", "table", "all"], capture_output=True, text=True, check=True
    ).stdout
    for line in routes.splitlines():
        first = line.split()[0] if line else ""
        if first[:1].isdigit():
            route = ipaddress.ip_network(first, strict=False)
            assert route.prefixlen == 0 or not subnet.overlaps(route)


def test_every_test_file_gets_a_pytest_process_of_its_own() -> None:
    files = ["core/tests/test_network.py", "modules/redis/tests/test_network.py"]
    assert groups(files) == [[files[0]], [files[1]]]
