"""A TLS engine's own CA stays in force whatever the machine's CA bundle variables say."""

from __future__ import annotations

from pathlib import Path

import docker
import pytest
from docker.tls import TLSConfig

from dockyard.core._engine import pin_engine_ca


def _tls_client(tmp_path: Path) -> docker.APIClient:
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("placeholder")
    tls = TLSConfig(
        ca_cert=str(tmp_path / "ca.pem"),
        client_cert=(str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")),
        verify=True,
    )
    return docker.APIClient(base_url="https://127.0.0.1:2376", tls=tls, version="1.41")


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_ca_bundle_variables_do_not_replace_the_engines_ca(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "/etc/ssl/certs/ca-certificates.crt")
    api = _tls_client(tmp_path)
    url = "https://127.0.0.1:2376/version"
    # What requests does by itself: the variable wins over the engine's CA.
    assert api.merge_environment_settings(url, {}, False, None, None)["verify"] != str(
        tmp_path / "ca.pem"
    )
    pin_engine_ca(api)
    assert api.merge_environment_settings(url, {}, False, None, None)["verify"] == str(
        tmp_path / "ca.pem"
    )


def test_clients_without_a_ca_file_are_left_alone() -> None:
    api = docker.APIClient(base_url="unix:///var/run/docker.sock", version="1.41")
    merge = api.merge_environment_settings
    pin_engine_ca(api)
    assert api.merge_environment_settings == merge
    api.close()
