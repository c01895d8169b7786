"""Turns the image records a test lists into its environment, before the test starts.

A ``dockyard_image`` target writes a JSON record (tag, the upstream name it stands in for,
the recipe hash or pinned digest). ``dockyard_test(images = [...])`` puts the records in the
test's runfiles and their paths in ``DOCKYARD_IMAGE_RECORDS``; this adds their pairs to
``DOCKYARD_IMAGE_SUBSTITUTIONS`` (after any given with ``--test_env``, so the records win)
and checks that the engine still holds exactly the recorded image.
"""

from __future__ import annotations

import json
import os
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

HASH_LABEL = "org.dockyard.recipe-hash"


class ImageRecordError(RuntimeError):
    """A listed image is not what Bazel recorded; the message says how to fix it."""


def read_records(environ: MutableMapping[str, str]) -> list[dict[str, str]]:
    records = []
    for path in environ.get("DOCKYARD_IMAGE_RECORDS", "").split():
        try:
            records.append(json.loads(Path(path).read_text()))
        except (OSError, ValueError) as error:
            raise ImageRecordError(
                f"cannot read the image record {path} ({error}); list images through "
                "dockyard_test(images = [...]) so Bazel puts their records in the runfiles"
            ) from None
    return records


def substitution_pairs(records: list[dict[str, str]]) -> list[str]:
    return [f"{r['substitutes']}={r['tag']}" for r in records if r.get("substitutes")]


def _engine() -> Any | None:
    """A docker-py client when docker-py is there and the engine answers, else None."""
    try:
        import docker  # the test's own deps bring it whenever it starts containers
    except ImportError:
        return None
    try:
        client = docker.from_env(timeout=10)
        client.ping()
    except Exception:  # no engine: the test itself will say so, with Dockyard's advice
        return None
    return client


def check_engine(records: list[dict[str, str]]) -> None:
    """Each built image's tag must carry the recipe hash Bazel recorded for it."""
    built = [r for r in records if r.get("recipe_hash")]
    client = _engine() if built else None
    if client is None:
        return
    import docker.errors

    for record in built:
        tag = record["tag"]
        try:
            labels = client.api.inspect_image(tag)["Config"].get("Labels") or {}
        except docker.errors.ImageNotFound:
            raise ImageRecordError(
                f"{tag} is not in the engine, although Bazel recorded it as built; it was "
                f"removed since. Build it again: python3 tools/images/build.py {record['name']}"
            ) from None
        found = labels.get(HASH_LABEL)
        if found != record["recipe_hash"]:
            raise ImageRecordError(
                f"{tag} in the engine was built from recipe {str(found)[:12]}, but this "
                f"test was built against recipe {record['recipe_hash'][:12]} (another "
                "checkout rebuilt the tag?). Build it from this checkout: "
                f"python3 tools/images/build.py {record['name']}"
            )


def apply(environ: MutableMapping[str, str]) -> list[dict[str, str]]:
    """Extend ``environ`` with the substitutions of the listed images; return the records."""
    records = read_records(environ)
    if not records:
        return records
    check_engine(records)
    given = environ.get("DOCKYARD_IMAGE_SUBSTITUTIONS", "")
    pairs = [p for p in (given, *substitution_pairs(records)) if p]
    environ["DOCKYARD_IMAGE_SUBSTITUTIONS"] = ",".join(pairs)
    return records


def apply_to_process() -> None:
    apply(os.environ)
