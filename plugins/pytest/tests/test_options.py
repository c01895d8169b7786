"""Options and ini keys: images, sharing, the startup timeout, labels, and bad values."""

from __future__ import annotations

import os

import pytest
from conftest import RunPytest, containers_with


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dockyard-image", "postgres"], "*write NAME=IMAGE, e.g. postgres=postgres:15"),
        (
            ["--dockyard-image", "mysql=mysql:8"],
            "*no installed Dockyard module is named 'mysql' (installed: kafka, postgres, redis)*",
        ),
        (["--dockyard-startup-timeout", "-1"], "*give a positive number of seconds, e.g. 120"),
        (["--dockyard-log-lines", "-3"], "*give 0 or more"),
        (["--dockyard-label", "=x"], "*write KEY=VALUE, e.g. ci.job=1234"),
        (["-o", "dockyard_sharing=maybe"], "*dockyard_sharing = 'maybe': write on or off"),
    ],
    ids=["image-form", "image-module", "timeout", "log-lines", "label", "sharing"],
)
def test_a_bad_value_stops_the_run_with_what_to_write(
    pytester: pytest.Pytester, inner: RunPytest, args: list[str], message: str
) -> None:
    pytester.makepyfile("def test_x():\n    pass\n")
    result = inner(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: OptionError: {message}"])


def test_the_startup_timeout_reaches_core_for_the_run_only(
    pytester: pytest.Pytester, inner: RunPytest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOCKYARD_STARTUP_TIMEOUT", raising=False)
    pytester.makepyfile(
        """
        from dockyard.core import load_config

        def test_timeout():
            assert load_config().startup_timeout == 12.5
        """
    )
    inner("--dockyard-startup-timeout", "12.5").assert_outcomes(passed=1)
    assert "DOCKYARD_STARTUP_TIMEOUT" not in os.environ
    pytester.makeini("[pytest]\ndockyard_startup_timeout = 12.5\n")
    inner().assert_outcomes(passed=1)


IMAGE_AND_SHARING = """
import os

def test_server(dockyard_redis, pytestconfig):
    expected = os.environ["EXPECT"].split(",")
    assert dockyard_redis.image == expected[0]
    assert str(dockyard_redis.shared) == expected[1]
"""


def test_images_and_sharing_from_the_command_line_and_the_ini_file(
    pytester: pytest.Pytester, inner: RunPytest, monkeypatch: pytest.MonkeyPatch, label: str
) -> None:
    pytester.makepyfile(IMAGE_AND_SHARING)
    monkeypatch.setenv("EXPECT", "redis:7,True")
    inner("--dockyard-label", label).assert_outcomes(passed=1)
    monkeypatch.setenv("EXPECT", "redis:7.0,False")
    args = ["--dockyard-label", label, "--dockyard-image", "redis=redis:7.0"]
    inner(*args, "--dockyard-sharing", "off").assert_outcomes(passed=1)
    pytester.makeini("[pytest]\ndockyard_images =\n    redis=redis:7.0\ndockyard_sharing = off\n")
    inner("--dockyard-label", label).assert_outcomes(passed=1)
    # The command line wins over the ini file.
    monkeypatch.setenv("EXPECT", "redis:7,True")
    args = ["--dockyard-label", label, "--dockyard-image", "redis=redis:7"]
    inner(*args, "--dockyard-sharing", "on").assert_outcomes(passed=1)


def test_labels_reach_every_container(
    pytester: pytest.Pytester, inner: RunPytest, label: str
) -> None:
    key, value = label.split("=")
    pytester.makepyfile(
        f"""
        def test_labelled(dockyard_redis):
            assert dockyard_redis.running.attrs["Config"]["Labels"][{key!r}] == {value!r}
        """
    )
    inner("--dockyard-label", label, "--dockyard-sharing", "off").assert_outcomes(passed=1)
    assert containers_with(label) == []
