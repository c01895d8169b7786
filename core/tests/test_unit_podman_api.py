"""Podman 4.3's compatible API says some of Docker's 404s and 409s as 500s: Dockyard maps
them by their words, so a name race or a vanished container means the same on both."""

from __future__ import annotations

import docker.errors
import pytest
import requests

from dockyard.core import ConflictError, EngineError, NotFoundError
from dockyard.core._engine import engine_errors


def _api_error(status: int, explanation: str) -> docker.errors.APIError:
    response = requests.Response()
    response.status_code = status
    return docker.errors.APIError("engine said no", response=response, explanation=explanation)


@pytest.mark.parametrize(
    ("explanation", "kind"),
    [
        ("container 2b65 does not exist in database: no such container", NotFoundError),
        (
            "unable to find network with name or ID x: network not found: no such network",
            NotFoundError,
        ),
        (
            'the container name "dockyard-ryuk-1" is already in use by 3198. You have to remove '
            "that container to be able to reuse that name: that name is already in use",
            ConflictError,
        ),
        ("something else broke", EngineError),
    ],
)
def test_podman_500s_are_mapped_by_their_words(explanation: str, kind: type) -> None:
    with pytest.raises(EngineError) as info, engine_errors("unix:///podman.sock", "doing it"):
        raise _api_error(500, explanation)
    assert type(info.value) is kind
    assert info.value.explanation == explanation


def test_dockers_own_status_codes_are_kept() -> None:
    with pytest.raises(ConflictError) as info, engine_errors("unix:///x.sock", "creating"):
        raise _api_error(409, "Conflict. The container name is already in use")
    assert info.value.status_code == 409
    with pytest.raises(EngineError) as other, engine_errors("unix:///x.sock", "starting"):
        raise _api_error(400, "no such container (but a 400 stays what it is)")
    assert type(other.value) is EngineError
