"""Image substitution and pull policy decisions (pure logic with a fake client)."""

from __future__ import annotations

import pytest

from dockyard.core import ConfigurationError, ImageNotFoundError, PullPolicy, Session
from dockyard.core._image_names import ImageName, parse_substitutions, substitute_image
from dockyard.core._images import ensure_image
from dockyard.core.testing import FakeEngine

SUBS = (
    "postgres=dockyard.local/postgres:15,redis=dockyard.local/redis:7,"
    "redis:6=legacy/redis:6,testcontainers/ryuk=dockyard.local/ryuk:0.11.0"
)


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("postgres:16", "dockyard.local/postgres:15"),  # bare name: any tag
        ("postgres", "dockyard.local/postgres:15"),
        ("docker.io/library/postgres:16", "dockyard.local/postgres:15"),
        ("redis:6", "legacy/redis:6"),  # exact name:tag wins
        ("redis:7", "dockyard.local/redis:7"),
        ("testcontainers/ryuk:0.11.0", "dockyard.local/ryuk:0.11.0"),
        ("mysql:8", "mysql:8"),  # untouched
        ("quay.io/postgres:16", "quay.io/postgres:16"),  # another registry's name
    ],
)
def test_substitution_map(image: str, expected: str) -> None:
    assert substitute_image(image, SUBS, "") == expected


def test_hub_prefix_applies_only_to_unsubstituted_hub_images() -> None:
    assert substitute_image("mysql:8", SUBS, "mirror.local/") == "mirror.local/mysql:8"
    prefixed = substitute_image("bitnami/kafka:3", SUBS, "mirror.local")
    assert prefixed == "mirror.local/bitnami/kafka:3"
    assert substitute_image("redis:7", SUBS, "mirror.local/") == "dockyard.local/redis:7"
    assert substitute_image("quay.io/x/y:1", SUBS, "mirror.local/") == "quay.io/x/y:1"
    assert substitute_image("localhost:5000/y:1", "", "mirror.local/") == "localhost:5000/y:1"


def test_bad_substitution_format_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="name=replacement"):
        parse_substitutions("postgres")
    with pytest.raises(ConfigurationError):
        parse_substitutions("=x")


def test_image_name_parsing() -> None:
    assert ImageName.parse("localhost:5000/a/b:1") == ImageName("localhost:5000/a/b", "1")
    assert ImageName.parse("a@sha256:00").digest == "sha256:00"
    with pytest.raises(ConfigurationError):
        ImageName.parse("bad name")


def session_of(engine: FakeEngine) -> Session:
    return Session(engine, "unit")


def test_policy_never_with_missing_image_raises_with_advice() -> None:
    engine = FakeEngine()
    with pytest.raises(ImageNotFoundError, match="DOCKYARD_IMAGE_SUBSTITUTIONS") as info:
        ensure_image(session_of(engine), "x/y:1", PullPolicy.NEVER, "upstream/y:1")
    assert "upstream/y:1" in str(info.value)
    assert "TESTCONTAINERS_PULL_POLICY=missing" in str(info.value)
    assert engine.calls("pull_image") == 0


def test_policy_missing_pulls_only_when_absent(capsys: pytest.CaptureFixture[str]) -> None:
    engine = FakeEngine(images={"here:1"})
    session = session_of(engine)
    ensure_image(session, "here:1", PullPolicy.MISSING)
    assert engine.calls("pull_image") == 0
    ensure_image(session, "there:2", PullPolicy.MISSING)
    assert ("pull_image", "there:2") in engine.requests
    assert "l1: Pulling" in capsys.readouterr().err  # visible progress per layer


def test_a_present_image_is_asked_about_once_per_session() -> None:
    engine = FakeEngine(images={"here:1"})
    session = session_of(engine)
    for _ in range(3):
        ensure_image(session, "here:1", PullPolicy.MISSING)
    assert engine.calls("image_present") == 1


def test_policy_always_pulls_even_when_present() -> None:
    engine = FakeEngine(images={"here:1"})
    ensure_image(session_of(engine), "here:1", PullPolicy.ALWAYS)
    assert ("pull_image", "here:1") in engine.requests


def test_failed_pull_is_image_not_found_and_never_suggests_the_policy_in_force() -> None:
    engine = FakeEngine()
    engine.pull_events = [{"error": "pull access denied"}]
    with pytest.raises(ImageNotFoundError, match="pull access denied") as info:
        ensure_image(session_of(engine), "nope:1", PullPolicy.MISSING)
    assert "PULL_POLICY=missing" not in str(info.value)
