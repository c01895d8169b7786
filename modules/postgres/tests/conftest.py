"""Shared fixtures of the postgres module's tests.

The containers use the module's default image (``postgres:16``); the test run maps
it to the local build with DOCKYARD_IMAGE_SUBSTITUTIONS
(``postgres=dockyard.local/postgres:15``). Each test module shares one container
through module-scoped fixtures to keep the run short.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dockyard.postgres import PostgresContainer

DATA = Path(__file__).resolve().parent / "data"

#: The client image with psql and redis-cli (built by tools/images/build.py).
CLIENT_IMAGE = "dockyard.local/client:1"


@pytest.fixture(scope="module")
def pg() -> Iterator[PostgresContainer]:
    """One default PostgresContainer for the whole test module."""
    with PostgresContainer() as container:
        yield container


def gettext_catalog(messages: dict[str, str]) -> bytes:
    """A GNU gettext ``.mo`` file (little endian, no hash table) for ``messages``."""
    import struct

    entries = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    keys = sorted(entries)
    ids = [key.encode() for key in keys]
    strs = [entries[key].encode() for key in keys]
    header_size = 7 * 4
    table_size = len(keys) * 8
    data_start = header_size + 2 * table_size
    data = b""
    id_table: list[tuple[int, int]] = []
    for text in ids:
        id_table.append((len(text), data_start + len(data)))
        data += text + b"\0"
    str_table: list[tuple[int, int]] = []
    for text in strs:
        str_table.append((len(text), data_start + len(data)))
        data += text + b"\0"
    header = struct.pack(
        "<7I", 0x950412DE, 0, len(keys), header_size, header_size + table_size, 0, 0
    )
    tables = b"".join(struct.pack("<2I", *e) for e in id_table + str_table)
    return header + tables + data


#: A few of the server's messages in German. The local image leaves translations out
#: (dpkg path-exclude), so the tests bring their own catalog: the readiness must not
#: depend on the English text of the log.
GERMAN_MESSAGES = {
    "database system is ready to accept connections": (
        "Datenbanksystem ist bereit, um Verbindungen anzunehmen"
    ),
    'password authentication failed for user "%s"': (
        "Passwort-Authentifizierung für Benutzer »%s« fehlgeschlagen"
    ),
    "starting %s": "%s startet",
}


def speaking_german(container: PostgresContainer) -> PostgresContainer:
    """Make the server log (and answer) in German through gettext's LANGUAGE."""
    catalog = gettext_catalog(GERMAN_MESSAGES)
    for major in (15, 16, 17):  # Debian and upstream name the domain postgres-<major>
        container.with_copy_to_container(
            catalog, f"/usr/share/locale/de/LC_MESSAGES/postgres-{major}.mo"
        )
    return container.with_env("LANGUAGE", "de").with_server_setting("lc_messages", "C.UTF-8")
