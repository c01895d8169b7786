"""testcontainers-python's ``ContainerInspectInfo``: inspect data read by attribute.

``info.State.Status``, ``info.NetworkSettings.Ports["6379/tcp"][0].HostPort`` and
``info.Config.Env`` work as upstream; a key the engine did not send reads as None.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["ContainerInspectInfo"]


def _wrap(value: Any) -> Any:
    if isinstance(value, Mapping):
        return _Fields(value)
    if isinstance(value, list):
        return [_wrap(item) for item in value]
    return value


class _Fields(Mapping[str, Any]):
    """Read-only fields of one inspect object; also a mapping (``info.State["Status"]``)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _wrap(self._data.get(name))

    def __getitem__(self, key: str) -> Any:
        return _wrap(self._data[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"


class ContainerInspectInfo(_Fields):
    """What ``docker inspect`` says about a container, by attribute."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ContainerInspectInfo:
        return cls(data)

    def get_network_settings(self) -> Any:
        return self.NetworkSettings
