"""One engine under test per machine at a time.

Engines share the machine's ports and its iptables NAT table: Podman's netavark, for one,
redirects a port published on all addresses for every local destination, other engines'
bridges included. So the runners take this lock for the whole of their run (and the next
one waits), instead of interfering now and then.
"""

from __future__ import annotations

import fcntl
import time
from pathlib import Path
from typing import IO

LOCK = Path("/run/lock/dockyard-engines.lock")
LOCK_TIMEOUT = 1200.0


class MachineBusyError(RuntimeError):
    """Another engine run held the lock for longer than LOCK_TIMEOUT."""


def take_machine_lock() -> IO[str]:
    """The lock, held until the returned file is closed."""
    LOCK.parent.mkdir(parents=True, exist_ok=True)
    handle = open(LOCK, "a+", encoding="ascii")  # noqa: SIM115 (held by the caller)
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() > deadline:
                handle.close()
                raise MachineBusyError(f"another engine test run holds {LOCK}") from None
            time.sleep(1.0)
