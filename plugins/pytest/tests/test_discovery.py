"""Module plugins: found through entry points (or the dockyard namespace), checked before
pytest relies on them, left out with -p no:…"""

from __future__ import annotations

import importlib.metadata
import textwrap

import pytest
from conftest import RunPytest

GOOD_PLUGIN = '''
import pytest

@pytest.fixture
def dockyard_fake():
    """A fake module's fixture."""
    return "fake"

def pytest_addoption(parser):
    from dockyard.pytest import add_service_options
    add_service_options(parser, "fake", example="fake://host")
'''


def install(
    pytester: pytest.Pytester, name: str, module: str, source: str, value: str = ""
) -> None:
    """A distribution ``dockyard-<name>`` whose entry point names ``module`` (on sys.path)."""
    pytester.makepyfile(**{module: textwrap.dedent(source)})
    info = pytester.path / f"dockyard_{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: dockyard-{name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[dockyard.pytest]\n{name} = {value or module}\n")
    pytester.syspathinsert()


USES_FAKE = """
def test_fake(dockyard_fake, pytestconfig):
    assert dockyard_fake == "fake"
    assert pytestconfig.getoption("dockyard_fake_url") is None
"""


def test_an_installed_module_contributes_its_fixtures_and_options(
    pytester: pytest.Pytester, inner: RunPytest, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(pytester, "fake", "fakeplugin", GOOD_PLUGIN)
    pytester.makepyfile(test_fake=USES_FAKE)
    monkeypatch.setenv("DOCKYARD_PYTEST_DISCOVERY", "entry-points")
    result = inner("--help")
    result.stdout.fnmatch_lines(["*--dockyard-fake-url=URL*"])
    result = inner()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["dockyard: module fixtures: *dockyard-fake*"])


def test_p_no_leaves_a_module_plugin_out(pytester: pytest.Pytester, inner: RunPytest) -> None:
    install(pytester, "fake", "fakeplugin", GOOD_PLUGIN)
    pytester.makepyfile(test_fake=USES_FAKE)
    result = inner("-p", "no:fakeplugin")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'dockyard_fake' not found*"])


@pytest.mark.parametrize(
    ("source", "value", "message"),
    [
        (
            "import pytest\n@pytest.fixture\ndef oops():\n    '''x'''\n",
            "",
            "*PluginError: fakeplugin (entry point fake = fakeplugin of dockyard-fake 1.0) defines "
            "the fixture 'oops': the fixtures of module 'fake' are named dockyard_fake or "
            "dockyard_fake_<what>.",
        ),
        (
            "import pytest\n@pytest.fixture\ndef dockyard_fake():\n    return 1\n",
            "",
            "*PluginError: fakeplugin: fixture 'dockyard_fake' has no docstring*",
        ),
        (
            "def pytest_configur(config):\n    pass\n",
            "",
            "*PluginError: fakeplugin implements pytest_configur, which is neither a pytest hook*",
        ),
        (
            "raise ImportError('needs libfake')\n",
            "",
            "*PluginError: entry point fake = fakeplugin of dockyard-fake 1.0: importing "
            "fakeplugin failed (ImportError('needs libfake'))*-p no:fakeplugin.",
        ),
        (
            "value = 1\n",
            "fakeplugin:value",
            "*PluginError: *a Dockyard pytest plugin is a module, not 'value' in one*",
        ),
    ],
    ids=["fixture-name", "docstring", "misspelt-hook", "import-error", "not-a-module"],
)
def test_a_plugin_that_breaks_the_contract_stops_pytest_with_what_to_fix(
    pytester: pytest.Pytester, inner: RunPytest, source: str, value: str, message: str
) -> None:
    install(pytester, "fake", "fakeplugin", source, value)
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = inner()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {message}"])


def test_an_optional_hook_of_another_plugin_is_allowed(
    pytester: pytest.Pytester, inner: RunPytest
) -> None:
    source = GOOD_PLUGIN + (
        "\n@pytest.hookimpl(optionalhook=True)\ndef pytest_some_other_plugins_hook():\n    pass\n"
    )
    install(pytester, "fake", "fakeplugin", source)
    pytester.makepyfile(test_fake=USES_FAKE)
    inner().assert_outcomes(passed=1)


def test_a_module_name_that_would_take_the_generic_fixtures_is_refused(
    pytester: pytest.Pytester, inner: RunPytest
) -> None:
    install(pytester, "session", "sessionplugin", "")
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = inner()
    result.stderr.fnmatch_lines(
        ["ERROR: PluginError: *a module named 'session' would own dockyard-pytest's own fixtures*"]
    )


@pytest.mark.skipif(
    bool(importlib.metadata.entry_points(group="dockyard.pytest")),
    reason="the modules are installed: entry points find them anyway",
)
def test_sources_on_sys_path_are_found_only_through_the_namespace(
    pytester: pytest.Pytester, inner: RunPytest, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_x="def test_x(dockyard_redis):\n    pass\n")
    monkeypatch.setenv("DOCKYARD_PYTEST_DISCOVERY", "entry-points")
    result = inner("--collect-only")
    result.stdout.fnmatch_lines(["dockyard: module fixtures: none installed"])
    monkeypatch.setenv("DOCKYARD_PYTEST_DISCOVERY", "namespace")
    result = inner("--fixtures")
    result.stdout.fnmatch_lines(
        ["dockyard_postgres_url -- *", "*a database of this test's own*", "dockyard_redis_client*"]
    )


def test_an_unknown_discovery_mode_is_a_usage_error(
    pytester: pytest.Pytester, inner: RunPytest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKYARD_PYTEST_DISCOVERY", "everywhere")
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = inner()
    result.stderr.fnmatch_lines(
        ["ERROR: PluginError: DOCKYARD_PYTEST_DISCOVERY='everywhere' is not one of*"]
    )
