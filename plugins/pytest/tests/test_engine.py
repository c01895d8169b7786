"""The engine: the report header, the requires_docker marker and tests using the fixtures,
with and without an engine (DOCKER_HOST at a closed loopback port)."""

from __future__ import annotations

import pytest
from conftest import RunPytest

SUITE = """
import pytest

def test_plain():
    pass

@pytest.mark.requires_docker
def test_marked():
    pass

def test_fixture(dockyard_container):
    pass

def test_module_fixture(dockyard_redis_client):
    pass
"""


def test_without_engine_the_tests_needing_one_are_skipped_with_the_reason(
    pytester: pytest.Pytester, inner: RunPytest, no_engine: str
) -> None:
    pytester.makepyfile(SUITE)
    result = inner("-rs")
    result.assert_outcomes(passed=1, skipped=3)
    result.stdout.fnmatch_lines(
        [
            f"dockyard: no Docker engine at {no_engine}*tests needing one are skipped",
            "SKIPPED*needs a Docker engine and none answers*start an engine*DOCKER_HOST*"
            "--dockyard-require-engine makes this a failure*",
        ]
    )


def test_require_engine_fails_them_instead(
    pytester: pytest.Pytester, inner: RunPytest, no_engine: str
) -> None:
    pytester.makepyfile(SUITE)
    result = inner("--dockyard-require-engine")
    result.assert_outcomes(passed=1, errors=3)
    result.stdout.fnmatch_lines(["*needs a Docker engine and none answers*The test fails.*"])


def test_require_engine_from_the_ini_file(
    pytester: pytest.Pytester, inner: RunPytest, no_engine: str
) -> None:
    pytester.makeini("[pytest]\ndockyard_require_engine = true\n")
    pytester.makepyfile(SUITE)
    inner().assert_outcomes(passed=1, errors=3)


def test_tests_using_the_fixtures_carry_the_marker(
    pytester: pytest.Pytester, inner: RunPytest, no_engine: str
) -> None:
    pytester.makepyfile(SUITE)
    result = inner("-m", "not requires_docker")
    result.assert_outcomes(passed=1, deselected=3)


def test_with_an_engine_the_header_names_it_and_marked_tests_run(
    pytester: pytest.Pytester, inner: RunPytest
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.requires_docker
        def test_marked(dockyard):
            assert dockyard.engine.reachable
        """
    )
    result = inner()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "dockyard: * (API 1.*) at *, containers reached at *",
            "dockyard: module fixtures: dockyard-kafka, dockyard-postgres, dockyard-redis",
        ]
    )
