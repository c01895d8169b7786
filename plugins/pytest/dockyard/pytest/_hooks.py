"""The plugin's pytest hooks: options, module plugins, the marker, reports and the summary."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Generator, Iterator

import pytest
from _pytest.terminal import TerminalReporter

from dockyard.core import ConfigurationError

from ._discovery import Registered, discover, register
from ._environment import Overrides, overrides_for
from ._fixtures import RUN, run_of
from ._options import Settings, add_options
from ._run import DockyardRun

__all__ = [
    "pytest_addoption",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_report_header",
    "pytest_runtest_makereport",
    "pytest_runtest_setup",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
    "pytest_testnodedown",
    "pytest_unconfigure",
]

MARKER = "requires_docker"
_OVERRIDES = pytest.StashKey[Overrides]()
# Between pytest_addoption (which has only the plugin manager) and pytest_configure.
_registered: weakref.WeakKeyDictionary[pytest.PytestPluginManager, list[Registered]] = (
    weakref.WeakKeyDictionary()
)


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    add_options(parser)
    # Registered here, before the command line is parsed, so that each module plugin's own
    # pytest_addoption (a historic hook: it runs at registration) adds its options in time.
    with _usage_errors():
        _registered[pluginmanager] = register(pluginmanager, discover())


@contextlib.contextmanager
def _usage_errors() -> Iterator[None]:
    """Dockyard's named errors as pytest's usage error: one ERROR line, no traceback."""
    try:
        yield
    except ConfigurationError as error:
        raise pytest.UsageError(f"{type(error).__name__}: {error}") from error


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}: the test needs a Docker engine; without one it is skipped "
        "(failed with --dockyard-require-engine). Tests using Dockyard's fixtures get it "
        "by themselves.",
    )
    modules = _registered.get(config.pluginmanager, [])
    with _usage_errors():
        settings = Settings.read(config, [m.plugin.name for m in modules])
        variables = overrides_for(settings)
    overrides = Overrides()
    overrides.apply(variables)
    config.stash[_OVERRIDES] = overrides
    config.stash[RUN] = DockyardRun(config, settings, modules)


def pytest_unconfigure(config: pytest.Config) -> None:
    overrides = config.stash.get(_OVERRIDES, None)
    if overrides is not None:
        overrides.restore()


def pytest_report_header(config: pytest.Config) -> list[str]:
    run = run_of(config)
    modules = ", ".join(f"dockyard-{m.plugin.name}" for m in run.modules) or "none installed"
    lines = [
        run.engine.header(run.settings.require_engine),
        f"dockyard: module fixtures: {modules}",
    ]
    for name, url in sorted(run.settings.urls.items()):
        lines.append(f"dockyard: {name} from the running server {_redacted(url)}")
    return lines


def _redacted(url: str) -> str:
    """A URL without its password, for output that ends up in CI logs."""
    scheme, sep, rest = url.partition("://")
    credentials, at, place = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{place}"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Before -m deselects: `-m "not requires_docker"` leaves out the tests using the fixtures.
    needing = run_of(config).engine_fixtures()
    for item in items:
        if item.get_closest_marker(MARKER) is None and needing & set(
            getattr(item, "fixturenames", ())
        ):
            item.add_marker(MARKER)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker(MARKER) is not None:
        run_of(item.config).require_engine()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    run_of(item.config).record_report(item, report)
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)  # an xdist worker
    if isinstance(output, dict):
        output["dockyard"] = run_of(session.config).export()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """xdist's controller: a worker's start times and kept containers, for the summary."""
    output = getattr(node, "workeroutput", None)
    if isinstance(output, dict):
        run_of(node.config).merge(output.get("dockyard"))  # type: ignore[attr-defined]


def pytest_terminal_summary(
    terminalreporter: TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    run = run_of(config)
    if run.kept:
        terminalreporter.write_sep(
            "=", "dockyard: kept after failed tests (--dockyard-keep-on-failure)"
        )
        for text in run.kept:
            terminalreporter.write_line(text)
    show_times = (
        config.getoption("verbose", 0) > 0 or config.getoption("durations", None) is not None
    )
    timings = run.timings()
    if show_times and timings:
        terminalreporter.write_sep("=", "dockyard: container start times")
        for timing in timings:
            worker = f" [{timing['worker']}]" if timing.get("worker") else ""
            terminalreporter.write_line(
                f"{float(timing['seconds']):7.2f}s {timing['how']:<16} {timing['title']} "
                f"for {timing['for']}{worker}"
            )
