"""DockyardRun: what the plugin knows of one pytest run, behind the ``dockyard`` fixture.

Every container a fixture starts goes through :meth:`DockyardRun.start`, which checks the
engine first (skip or fail without one), times the start, stops the container at the end
of the fixture's scope (or keeps it after a failed test, when asked) and remembers which
tests used it, for the log lines of a failure's report and the summary at the end.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest

from dockyard.core import DockerContainer, DockyardError

from ._discovery import GENERIC_FIXTURES, Registered
from ._engine import EngineStatus, probe
from ._options import Settings

__all__ = ["DockyardRun", "Reach", "StartedContainer"]

C = TypeVar("C", bound=DockerContainer)
#: How a module tells a person to reach its container (a connection URL, say).
Reach = Callable[[Any], str]

REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@dataclass
class StartedContainer:
    """One container a fixture started (or joined), and what became of it."""

    container: DockerContainer
    fixture: str
    scope: str
    nodeid: str | None
    seconds: float
    created: bool
    name: str = ""
    image: str = ""
    id: str = ""
    reach: Reach | None = None
    failed_tests: list[str] = field(default_factory=list)
    finished: bool = False

    @property
    def title(self) -> str:
        return f"{self.name} ({self.image})"

    def timing(self) -> dict[str, Any]:
        """A plain record (xdist sends it from a worker to the controller)."""
        return {
            "seconds": round(self.seconds, 3),
            "title": self.title,
            "how": "started" if self.created else "joined (shared)",
            "for": self.nodeid or self.fixture,
            "worker": os.environ.get("PYTEST_XDIST_WORKER", ""),
        }

    def kept_text(self) -> str:
        """Where a kept container is and how to get rid of it."""
        container = self.container
        lines = [f"{self.title}, id {self.id[:12]}, kept for {', '.join(self.failed_tests)}"]
        try:
            host = container.host()
            ports = [
                f"{port} at {host}:{container.mapped_port(port)}"
                for port in container.exposed_ports()
            ]
            if ports:
                lines.append("  reach:  " + "; ".join(ports))
            if self.reach is not None:
                lines.append("          " + self.reach(container))
        except DockyardError as error:  # exited since: say so rather than hide the container
            lines.append(f"  (not running any more: {error})")
        lines.append(f"  look:   docker logs {self.name}; docker exec -it {self.name} sh")
        lines.append(f"  remove: docker rm -f -v {self.id}")
        return "\n".join(lines)


class DockyardRun:
    """The ``dockyard`` fixture: options, the engine, and starting containers for fixtures.

    A fixture of your own starts a container with ``dockyard.start(container, request)``
    and gets what the plugin's fixtures get: the engine check, start times, log lines in
    the report of a failed test, stop at the end of the fixture's scope, keep-on-failure.
    """

    def __init__(
        self, config: pytest.Config, settings: Settings, modules: Sequence[Registered]
    ) -> None:
        self.config = config
        self.settings = settings
        self.modules = tuple(modules)
        self.started: list[StartedContainer] = []
        #: Kept containers and databases, as text for the summary.
        self.kept: list[str] = []
        #: Start times from xdist workers (the controller's summary shows them).
        self.remote_timings: list[dict[str, Any]] = []
        self._engine: EngineStatus | None = None
        self._lock = threading.Lock()

    # -- the engine -----------------------------------------------------------------
    @property
    def engine(self) -> EngineStatus:
        """The engine as it answered once in this process."""
        with self._lock:
            if self._engine is None:
                self._engine = probe()
            return self._engine

    def require_engine(self) -> None:
        """Skip the current test without a reachable engine (fail it when asked to)."""
        engine = self.engine
        if engine.reachable:
            return
        strict = self.settings.require_engine
        if strict:
            pytest.fail(engine.reason(strict), pytrace=False)
        pytest.skip(engine.reason(strict))

    # -- settings for module plugins ------------------------------------------------
    def image(self, module: str, default: str) -> str:
        """The image of ``module``'s servers: ``--dockyard-image module=…``, else ``default``."""
        return self.settings.images.get(module, default)

    def service_url(self, module: str) -> str | None:
        """``--dockyard-<module>-url``: a running server to use instead of a container."""
        return self.settings.urls.get(module)

    @property
    def sharing(self) -> bool:
        """Whether module servers are shared across processes (``--dockyard-sharing``)."""
        return self.settings.shares

    def share(self, container: C) -> C:
        """``container.with_sharing()`` unless sharing is off for this run."""
        return container.with_sharing() if self.sharing else container

    def engine_fixtures(self) -> set[str]:
        """Fixtures whose tests need the engine (a module given a URL needs none)."""
        names = set(GENERIC_FIXTURES) - {"dockyard"}
        for module in self.modules:
            if self.service_url(module.plugin.name) is None:
                names.update(module.fixtures)
        return names

    # -- containers -----------------------------------------------------------------
    def start(
        self, container: C, request: pytest.FixtureRequest, *, reach: Reach | None = None
    ) -> C:
        """Start ``container`` for the scope of ``request``'s fixture, and stop it after."""
        self.require_engine()
        for key, value in self.settings.labels.items():
            container.with_label(key, value)
        began = time.perf_counter()
        container.start()
        running = container.running
        record = StartedContainer(
            container=container,
            fixture=request.fixturename or "",
            scope=request.scope,
            nodeid=request.node.nodeid if request.scope == "function" else None,
            seconds=time.perf_counter() - began,
            created=running.created,
            name=running.name,
            image=str(running.attrs.get("Config", {}).get("Image") or container.image),
            id=running.id,
            reach=reach,
        )
        with self._lock:
            self.started.append(record)
        request.addfinalizer(lambda: self.finish(record))
        return container

    def finish(self, record: StartedContainer) -> None:
        """Stop a container at the end of its scope, or keep it for a failed test."""
        if record.finished:
            return
        record.finished = True
        if self.settings.keep_on_failure and record.failed_tests:
            self.kept.append(record.kept_text())
            return
        record.container.stop()

    def finish_attached(self, network_name: str, nodeid: str) -> None:
        """Stop this test's containers on a network before the network goes."""
        for record in list(self.started):
            if record.nodeid == nodeid and network_name in record.container.networks:
                self.finish(record)

    def keeps_containers_on(self, network_name: str) -> bool:
        """Whether a container kept for a failed test is attached to the network."""
        return self.settings.keep_on_failure and any(
            r.failed_tests and network_name in r.container.networks for r in self.started
        )

    def used_by(self, item: pytest.Item) -> list[StartedContainer]:
        """The containers a test used: its own, and the session ones its fixtures reach."""
        names = set(getattr(item, "fixturenames", ()))
        return [
            r
            for r in self.started
            if (r.nodeid == item.nodeid) or (r.nodeid is None and r.fixture in names)
        ]

    # -- test outcomes --------------------------------------------------------------
    def record_report(self, item: pytest.Item, report: pytest.TestReport) -> None:
        item.stash.setdefault(REPORTS, {})[str(report.when)] = report
        if not report.failed:
            return
        used = self.used_by(item)
        for record in used:
            if item.nodeid not in record.failed_tests:
                record.failed_tests.append(item.nodeid)
        lines = self.settings.log_lines
        if lines <= 0:
            return
        for record in used:
            try:
                text = record.container.running.tail_logs(lines)
            except DockyardError as error:
                text = f"(no logs: {error})"
            report.sections.append((f"dockyard: last {lines} log lines of {record.title}", text))

    def test_failed(self, node: pytest.Item | pytest.Collector) -> bool:
        """Whether the test's setup or call failed so far."""
        reports = node.stash.get(REPORTS, {}) if isinstance(node, pytest.Item) else {}
        return any(r.failed for r in reports.values())

    def keep(self, node: pytest.Item | pytest.Collector) -> bool:
        """Whether what this failed test used must stay (``--dockyard-keep-on-failure``)."""
        return self.settings.keep_on_failure and self.test_failed(node)

    def note_kept(self, text: str) -> None:
        """Tell the summary of something kept (a database, a network) and how to remove it."""
        with self._lock:
            self.kept.append(text)

    # -- the summary, across xdist workers ------------------------------------------
    def timings(self) -> list[dict[str, Any]]:
        own = [r.timing() for r in self.started]
        return sorted(own + self.remote_timings, key=lambda t: -float(t["seconds"]))

    def export(self) -> dict[str, Any]:
        return {"timings": [r.timing() for r in self.started], "kept": list(self.kept)}

    def merge(self, exported: Mapping[str, Any] | None) -> None:
        if not exported:
            return
        with self._lock:
            self.remote_timings.extend(_records(exported.get("timings")))
            self.kept.extend(str(text) for text in exported.get("kept") or [])


def _records(values: object) -> Iterable[dict[str, Any]]:
    if isinstance(values, list):
        yield from (dict(v) for v in values if isinstance(v, dict))
