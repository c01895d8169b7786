"""Images for a test engine: ``docker save`` from the main engine, piped into its loader.

No registry is involved (there is none here): the engine under test receives exactly the
local builds the test target lists, with their labels (the recipe hash) intact.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Mapping, Sequence


class ImageTransferError(RuntimeError):
    """Saving from the main engine or loading into the test engine failed."""


def transfer_images(
    tags: Sequence[str], load: Sequence[str], load_env: Mapping[str, str] | None = None
) -> float:
    """Copy ``tags`` with ``load`` (a command reading a docker-archive on stdin); seconds."""
    if not tags:
        return 0.0
    started = time.monotonic()
    save = subprocess.Popen(
        ["docker", "save", *tags], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    loaded = subprocess.run(
        list(load), stdin=save.stdout, capture_output=True, env=load_env, check=False
    )
    assert save.stdout is not None
    save.stdout.close()
    save_error = save.stderr.read().decode(errors="replace") if save.stderr else ""
    if save.wait() != 0:
        raise ImageTransferError(f"docker save {' '.join(tags)} failed: {save_error.strip()}")
    if loaded.returncode != 0:
        raise ImageTransferError(
            f"{' '.join(load)} failed: {loaded.stderr.decode(errors='replace').strip()}"
        )
    return time.monotonic() - started
