"""ServiceContainer: the base every module's container builds on.

A module declares its upstream image and main port as class attributes, shapes the
container in ``_configure_spec`` (given a fresh copy of the configured spec at every start,
so start → stop → start creates the same container and the same reuse hash), acts on the
started container in ``_on_started`` and names its readiness in ``_default_wait_strategy``.
A concrete subclass that leaves one of these out fails when it is defined.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ._container import DockerContainer
from ._errors import HookError
from ._ports import parse_port
from ._spec import ContainerSpec
from ._wait import WaitStrategy


class ServiceContainer(DockerContainer):
    """One service in one container, reached on one main port.

    ``image`` defaults to the module's upstream image, ``port`` to its usual port inside the
    container; the port is exposed (on a random host port) at every start.
    """

    #: The upstream image a module starts by default (reached locally via substitution).
    default_image: ClassVar[str]
    #: The service's port inside the container.
    default_port: ClassVar[int]

    shared_under_services = True

    def __init_subclass__(cls, *, abstract: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if abstract:
            return
        missing = [name for name in ("default_image", "default_port") if not hasattr(cls, name)]
        if cls._default_wait_strategy is ServiceContainer._default_wait_strategy:
            missing.append("_default_wait_strategy(self)")
        if missing:
            raise HookError(
                f"{cls.__qualname__} is a ServiceContainer but does not define "
                f"{', '.join(missing)}: a module declares its image and port and names its "
                "readiness check (pass abstract=True for an intermediate base class)."
            )

    def __init__(self, image: str | None = None, port: int | None = None, **kwargs: Any) -> None:
        super().__init__(image or self.default_image, **kwargs)
        self.port = parse_port(self.default_port if port is None else port).number

    def _configure_spec(self, spec: ContainerSpec) -> ContainerSpec:
        return super()._configure_spec(spec).with_exposed_ports(self.port)

    def _default_wait_strategy(self) -> WaitStrategy | None:
        raise NotImplementedError  # pragma: no cover - every concrete subclass overrides it
