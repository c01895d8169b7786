"""Request targets become endpoint templates, so cycles with new ids count alike."""

from __future__ import annotations

import pytest
from api_routes import endpoint_template, query_names


@pytest.mark.parametrize(
    ("target", "template"),
    [
        ("/_ping", "/_ping"),
        ("/v1.41/version", "/version"),
        ("/v1.41/containers/json?all=1", "/containers/json"),
        ("/v1.41/containers/create?name=x", "/containers/create"),
        ("/v1.41/containers/4f2a9c/json", "/containers/{id}/json"),
        ("/v1.41/containers/4f2a9c?force=True&v=True", "/containers/{id}"),
        ("/v1.41/containers/pg-1/archive?path=%2F", "/containers/{id}/archive"),
        ("/v1.41/exec/9e8d/start", "/exec/{id}/start"),
        ("/v1.41/networks", "/networks"),
        ("/v1.41/networks/create", "/networks/create"),
        ("/v1.41/networks/net1/connect", "/networks/{id}/connect"),
        ("/v1.41/volumes/data", "/volumes/{name}"),
        ("/v1.41/images/json", "/images/json"),
        ("/v1.41/images/create?fromImage=redis", "/images/create"),
        ("/v1.41/images/redis:7/json", "/images/{name}/json"),
        ("/v1.41/images/dockyard.local/redis:7/json", "/images/{name}/json"),
        ("/v1.41/images/dockyard.local%2Fredis:7/json", "/images/{name}/json"),
        ("/v1.41/images/dockyard.local/redis:7", "/images/{name}"),
        ("/v1.41/distribution/library/redis/json", "/distribution/{name}/json"),
        ("/v1.41/events?filters=x", "/events"),
    ],
)
def test_endpoint_template(target: str, template: str) -> None:
    assert endpoint_template(target) == template


def test_query_names_keep_names_not_values() -> None:
    assert query_names("/containers/a/logs?stdout=1&follow=1&stdout=0") == "?follow&stdout"
    assert query_names("/containers/a/logs?tail=") == "?tail"
    assert query_names("/containers/json") == ""
