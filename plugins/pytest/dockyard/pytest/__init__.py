"""dockyard-pytest: the pytest plugin of Dockyard.

Installed, pytest loads it by itself (entry point ``pytest11``); it registers the pytest
plugin of every installed Dockyard module (entry point group ``dockyard.pytest``), so
``pip install dockyard-pytest dockyard-postgres`` is all a test needs::

    def test_orders(dockyard_postgres_engine):       # a database of this test's own
        with dockyard_postgres_engine.begin() as connection:
            ...

This module is the plugin pytest registers (its hooks and generic fixtures are attributes
of it); the names in ``__all__`` are the API for module plugins and fixtures of your own.
It has no asserts for pytest to rewrite (PYTEST_DONT_REWRITE), so loading it again in a
nested run (pytester, ``-p``) warns of nothing.
"""

from ._discovery import (
    DISCOVERY_ENV,
    ENTRY_POINT_GROUP,
    GENERIC_FIXTURES,
    ModulePlugin,
    PluginError,
    Registered,
    discover,
)
from ._engine import EngineStatus
from ._fixtures import StartContainer
from ._fixtures import dockyard as dockyard
from ._fixtures import dockyard_container as dockyard_container
from ._fixtures import dockyard_network as dockyard_network
from ._fixtures import dockyard_session_container as dockyard_session_container
from ._fixtures import dockyard_session_network as dockyard_session_network
from ._hooks import MARKER
from ._hooks import pytest_addoption as pytest_addoption
from ._hooks import pytest_collection_modifyitems as pytest_collection_modifyitems
from ._hooks import pytest_configure as pytest_configure
from ._hooks import pytest_report_header as pytest_report_header
from ._hooks import pytest_runtest_makereport as pytest_runtest_makereport
from ._hooks import pytest_runtest_setup as pytest_runtest_setup
from ._hooks import pytest_sessionfinish as pytest_sessionfinish
from ._hooks import pytest_terminal_summary as pytest_terminal_summary
from ._hooks import pytest_testnodedown as pytest_testnodedown
from ._hooks import pytest_unconfigure as pytest_unconfigure
from ._options import OptionError, Settings, add_service_options
from ._run import DockyardRun, Reach, StartedContainer
from ._version import __version__

__all__ = [
    "DISCOVERY_ENV",
    "ENTRY_POINT_GROUP",
    "GENERIC_FIXTURES",
    "MARKER",
    "DockyardRun",
    "EngineStatus",
    "ModulePlugin",
    "OptionError",
    "PluginError",
    "Reach",
    "Registered",
    "Settings",
    "StartContainer",
    "StartedContainer",
    "__version__",
    "add_service_options",
    "discover",
]
