"""Finding the pytest plugins of the installed Dockyard modules, and checking them.

A module contributes its fixtures through an entry point of its own distribution, in the
group ``dockyard.pytest`` (``postgres = "dockyard.postgres._pytest"``), so installing
dockyard-redis alone gives Redis fixtures only. Where nothing is installed (Bazel puts the
sources on ``sys.path`` without distribution metadata), ``DOCKYARD_PYTEST_DISCOVERY=namespace``
also finds every ``dockyard/<name>/_pytest.py`` on the path of the ``dockyard`` namespace.

A plugin is checked before pytest relies on it, the way pluggy checks hook implementations:
it must be a module; each of its fixtures must be named ``dockyard_<name>`` or
``dockyard_<name>_…`` and carry a docstring, so two modules' fixtures never collide and
``pytest --fixtures`` documents each one; each ``pytest_*`` function must name a hook that
exists (pytest would otherwise ignore a misspelt one until after collection).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Final

import pytest
from _pytest.fixtures import getfixturemarker

from dockyard.core import ConfigurationError

__all__ = [
    "DISCOVERY_ENV",
    "ENTRY_POINT_GROUP",
    "ModulePlugin",
    "PluginError",
    "discover",
    "register",
]

ENTRY_POINT_GROUP: Final = "dockyard.pytest"
DISCOVERY_ENV: Final = "DOCKYARD_PYTEST_DISCOVERY"
PLUGIN_MODULE: Final = "_pytest"
#: Fixtures of dockyard-pytest itself: no module may be named so that its own collide.
GENERIC_FIXTURES: Final = frozenset(
    {
        "dockyard",
        "dockyard_container",
        "dockyard_session_container",
        "dockyard_network",
        "dockyard_session_network",
    }
)
_NAME: Final = re.compile(r"[a-z][a-z0-9_]*\Z")
_MODES: Final = ("entry-points", "namespace")


class PluginError(ConfigurationError):
    """A module's pytest plugin cannot be found, imported or trusted (pytest stops at once)."""


@dataclass(frozen=True)
class ModulePlugin:
    """One module's pytest plugin: ``name`` ("postgres"), its ``module`` and where it came from."""

    name: str
    module: str
    source: str


def _check_name(name: str, source: str) -> None:
    if not _NAME.match(name):
        raise PluginError(
            f"{source}: {name!r} is no module name (lower-case letters, digits and _). "
            f"Fix the entry point of group {ENTRY_POINT_GROUP!r} in that distribution."
        )
    prefix = f"dockyard_{name}"
    clashes = sorted(f for f in GENERIC_FIXTURES if f == prefix or f.startswith(prefix + "_"))
    if clashes:
        raise PluginError(
            f"{source}: a module named {name!r} would own dockyard-pytest's own fixtures "
            f"({', '.join(clashes)}); give the module another name."
        )


def _from_entry_points() -> Iterable[ModulePlugin]:
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry.dist
        owner = f"{dist.name} {dist.version}" if dist is not None else "an unknown distribution"
        source = f"entry point {entry.name} = {entry.value} of {owner}"
        _check_name(entry.name, source)
        if entry.attr:
            raise PluginError(
                f"{source}: a Dockyard pytest plugin is a module, not {entry.attr!r} in one; "
                f"write {entry.module!r} as the entry point's value."
            )
        yield ModulePlugin(entry.name, entry.module, source)


def _from_namespace() -> Iterable[ModulePlugin]:
    import dockyard  # the PEP 420 namespace: every directory that holds a part of it

    for root in dockyard.__path__:
        folder = Path(root)
        if not folder.is_dir():
            continue
        for package in sorted(folder.iterdir()):
            plugin = package / f"{PLUGIN_MODULE}.py"
            if plugin.is_file() and (package / "__init__.py").is_file():
                source = f"{plugin} on the dockyard namespace ({DISCOVERY_ENV}=namespace)"
                _check_name(package.name, source)
                yield ModulePlugin(package.name, f"dockyard.{package.name}.{PLUGIN_MODULE}", source)


def discover(mode: str | None = None) -> list[ModulePlugin]:
    """The module plugins to register, sorted by name.

    ``mode`` (default: ``$DOCKYARD_PYTEST_DISCOVERY``, else ``entry-points``) is
    ``entry-points`` or ``namespace`` (entry points, then the ``dockyard`` namespace).
    """
    chosen = (mode if mode is not None else os.environ.get(DISCOVERY_ENV, "")) or _MODES[0]
    if chosen not in _MODES:
        raise PluginError(
            f"{DISCOVERY_ENV}={chosen!r} is not one of {', '.join(_MODES)}: "
            "entry-points finds installed distributions, namespace also finds sources on sys.path."
        )
    found: dict[str, ModulePlugin] = {}
    candidates = list(_from_entry_points())
    if chosen == "namespace":
        candidates += list(_from_namespace())
    by_module = {c.module: c for c in reversed(candidates)}  # the first source of a module wins
    for plugin in sorted(by_module.values(), key=lambda p: (p.name, p.module)):
        other = found.get(plugin.name)
        if other is not None:
            raise PluginError(
                f"two Dockyard pytest plugins are named {plugin.name!r}: {other.source} and "
                f"{plugin.source}. Uninstall one of the distributions."
            )
        found[plugin.name] = plugin
    return list(found.values())


def _fixtures_of(module: ModuleType) -> dict[str, object]:
    fixtures: dict[str, object] = {}
    for attribute, value in vars(module).items():
        marker = getfixturemarker(value)
        if marker is not None:
            fixtures[marker.name or attribute] = value
    return fixtures


def _check_fixtures(plugin: ModulePlugin, module: ModuleType, owners: dict[str, str]) -> list[str]:
    names = _fixtures_of(module)
    prefix = f"dockyard_{plugin.name}"
    for name, fixture in sorted(names.items()):
        if name != prefix and not name.startswith(prefix + "_"):
            raise PluginError(
                f"{plugin.module} ({plugin.source}) defines the fixture {name!r}: the fixtures "
                f"of module {plugin.name!r} are named {prefix} or {prefix}_<what>."
            )
        if not (getattr(fixture, "__doc__", None) or "").strip():
            raise PluginError(
                f"{plugin.module}: fixture {name!r} has no docstring; `pytest --fixtures` shows "
                "it to users, so say what it gives and how long it lives."
            )
        if name in owners:
            raise PluginError(
                f"fixture {name!r} is defined by both {owners[name]} and {plugin.module}"
            )
        owners[name] = plugin.module
    return sorted(names)


def _check_hooks(
    manager: pytest.PytestPluginManager, plugin: ModulePlugin, module: ModuleType
) -> None:
    for caller in manager.get_hookcallers(module) or []:
        if caller.spec is not None:
            continue
        mine = [i for i in caller.get_hookimpls() if i.plugin is module and not i.optionalhook]
        if mine:
            manager.unregister(module)
            raise PluginError(
                f"{plugin.module} implements {caller.name}, which is neither a pytest hook nor "
                "one a plugin declares: a misspelt name? A hook of an optional plugin needs "
                "@pytest.hookimpl(optionalhook=True)."
            )


@dataclass(frozen=True)
class Registered:
    """A module plugin pytest now uses, with the names of its fixtures."""

    plugin: ModulePlugin
    fixtures: tuple[str, ...]


def register(
    manager: pytest.PytestPluginManager, plugins: Iterable[ModulePlugin]
) -> list[Registered]:
    """Import, check and register each plugin (``-p no:<module>`` leaves one out)."""
    owners = {name: "dockyard.pytest" for name in GENERIC_FIXTURES}
    registered: list[Registered] = []
    for plugin in plugins:
        if manager.is_blocked(plugin.module):
            continue
        known = manager.get_plugin(plugin.module)
        try:
            module = known if known is not None else importlib.import_module(plugin.module)
        except Exception as error:
            raise PluginError(
                f"{plugin.source}: importing {plugin.module} failed ({error!r}). Reinstall that "
                f"distribution, or leave its fixtures out with -p no:{plugin.module}."
            ) from error
        if not isinstance(module, ModuleType):
            raise PluginError(
                f"{plugin.source}: {plugin.module} is registered as {module!r}, not a module"
            )
        fixtures = _check_fixtures(plugin, module, owners)
        if known is None:
            try:
                manager.register(module, plugin.module)
            except Exception as error:  # pluggy's own check: hook arguments that do not exist
                raise PluginError(
                    f"{plugin.module} cannot be registered with pytest: {error}"
                ) from error
        _check_hooks(manager, plugin, module)
        registered.append(Registered(plugin, tuple(fixtures)))
    return registered
