"""Startup steps and their undo, hooks and request counts, against the in-package FakeEngine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dockyard.core import (
    ContainerSpec,
    DockerContainer,
    DockyardError,
    EngineError,
    HookError,
    LogMessageWaitStrategy,
    Network,
    RunningContainer,
    ServiceContainer,
    WaitStrategy,
)
from dockyard.core.testing import FakeEngine, use_engine

IMAGE = "fake/redis:7"


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeEngine]:
    monkeypatch.setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
    monkeypatch.setenv("DOCKYARD_IMAGE_SUBSTITUTIONS", "")
    # A definite host: no host detection requests in the counts.
    monkeypatch.setenv("TESTCONTAINERS_HOST_OVERRIDE", "localhost")
    monkeypatch.delenv("TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX", raising=False)
    fake = FakeEngine(images={IMAGE})
    with use_engine(fake):
        yield fake


def test_a_plain_cycle_costs_five_requests(engine: FakeEngine) -> None:
    with DockerContainer(IMAGE).with_exposed_ports(6379) as container:
        assert container.mapped_port(6379) >= 40000
        container.mapped_port(6379)  # answered from the inspection at start
        container.host()
    asked = [name for name, _ in engine.requests]
    assert asked == [
        "image_present",
        "create_container",
        "start_container",
        "inspect_container",
        "follow_logs",
        "remove_container",
    ]
    with DockerContainer(IMAGE).with_exposed_ports(6379):
        pass
    # The image is known now: the second cycle is create, start, inspect, logs, remove.
    assert len(engine.requests) - len(asked) == 5


def test_a_log_wait_is_woken_by_output_not_by_asking_the_engine(engine: FakeEngine) -> None:
    import threading

    container = DockerContainer(IMAGE).waiting_for(LogMessageWaitStrategy("ready", times=2))
    started = threading.Thread(target=container.start)
    started.start()
    while not engine.containers:
        pass
    ident = next(iter(engine.containers))
    engine.emit(ident, b"ready\n")
    engine.emit(ident, b"still ready\n", stderr=True)
    started.join(5)
    assert container.started
    container.stop()
    assert engine.calls("inspect_container") == 1
    assert engine.calls("logs") == 0


@pytest.mark.parametrize(
    ("step", "left"),
    [
        ("create_network", set()),
        ("create_container", set()),
        ("put_archive", set()),
        ("start_container", set()),
        ("inspect_container", set()),
    ],
)
@pytest.mark.parametrize("error", [EngineError("boom", explanation="boom"), KeyboardInterrupt()])
def test_a_failure_at_any_step_undoes_exactly_what_exists(
    engine: FakeEngine, step: str, left: set[str], error: BaseException
) -> None:
    engine.fail(step, error)
    network = Network()
    container = (
        DockerContainer(IMAGE)
        .with_network(network)
        .with_copy_to_container(b"x", "/etc/x.conf")
        .with_exposed_ports(6379)
    )
    with pytest.raises((type(error), DockyardError)) as caught:
        container.start()
    if isinstance(error, KeyboardInterrupt):
        assert caught.type is KeyboardInterrupt  # propagated unchanged, never wrapped
    assert set(engine.containers) == left
    assert engine.networks == {}
    assert not container.started and not network.created


def test_an_interrupt_after_the_engine_created_the_container_still_removes_it(
    engine: FakeEngine,
) -> None:
    real_create = engine.create_container

    def create_then_interrupt(*args: object, **kwargs: object) -> str:
        real_create(*args, **kwargs)  # type: ignore[arg-type]
        raise KeyboardInterrupt  # the id never reaches us

    engine.create_container = create_then_interrupt  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        DockerContainer(IMAGE).start()
    assert engine.containers == {}  # found by its creation label and removed


def test_start_stop_start_creates_the_same_container(engine: FakeEngine) -> None:
    class Module(ServiceContainer):
        default_image = IMAGE
        default_port = 6379

        def _configure_spec(self, spec: ContainerSpec) -> ContainerSpec:
            return super()._configure_spec(spec).with_env("MODE", "test").with_copy(b"c", "/c")

        def _default_wait_strategy(self) -> WaitStrategy | None:
            return None

    container = Module()
    hashes, creates = [], []
    for _ in range(2):
        with container:
            hashes.append(container.running.spec.config_hash(IMAGE))
            creates.append([arg for name, arg in engine.requests if name == "create_container"][-1])
    assert hashes[0] == hashes[1]
    assert creates[0]["environment"] == creates[1]["environment"] == {"MODE": "test"}
    assert len(container.spec.copies) == 0  # the builder's spec was never changed
    assert engine.calls("put_archive") == 2  # one copy per start, not one more each time


def test_a_misspelt_hook_fails_when_the_class_is_defined() -> None:
    with pytest.raises(HookError, match=r"_on_start .*Did you mean _on_started"):

        class Misspelt(DockerContainer):
            def _on_start(self, container: RunningContainer) -> None: ...

    with pytest.raises(HookError, match=r"_on_started\(self, container\)"):

        class OldSignature(DockerContainer):
            def _on_started(self) -> None:  # type: ignore[override]
                ...


def test_a_module_must_name_its_image_port_and_readiness() -> None:
    with pytest.raises(HookError, match=r"default_port.*_default_wait_strategy"):

        class Incomplete(ServiceContainer):
            default_image = IMAGE

    class Base(ServiceContainer, abstract=True):
        """An intermediate base: checked when a concrete subclass is defined."""
