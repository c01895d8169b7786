"""The plugin's settings: each one a command-line option and an ini key of the same meaning.

The command line wins over the ini file; an option given in neither keeps Dockyard's own
configuration (environment, ``~/.testcontainers.properties``) in charge.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import pytest

from dockyard.core import ConfigurationError

__all__ = ["OptionError", "Settings", "add_options", "add_service_options"]

GROUP: Final = "dockyard"
DEFAULT_LOG_LINES: Final = 50
_SHARING: Final = {"on": True, "true": True, "yes": True, "off": False, "false": False, "no": False}


class OptionError(ConfigurationError):
    """A ``--dockyard-*`` option or ``dockyard_*`` ini value is wrong (pytest stops at once)."""


def _group(parser: pytest.Parser) -> pytest.OptionGroup:
    return parser.getgroup(
        GROUP, "Dockyard: Docker containers for tests (ini keys of the same name)"
    )


def add_options(parser: pytest.Parser) -> None:
    """The options every run has, whichever modules are installed."""
    group = _group(parser)
    group.addoption(
        "--dockyard-image",
        action="append",
        dest="dockyard_images",
        default=[],
        metavar="NAME=IMAGE",
        help="the image of module NAME's servers, e.g. postgres=postgres:15 (repeat per module; "
        "ini: dockyard_images, one per line)",
    )
    parser.addini(
        "dockyard_images", "NAME=IMAGE per line: the image of each module's servers", "linelist", []
    )
    group.addoption(
        "--dockyard-label",
        action="append",
        dest="dockyard_labels",
        default=[],
        metavar="KEY=VALUE",
        help="a label on every container the fixtures start, e.g. ci.job=1234 (repeatable; a "
        "shared server is shared only among runs of the same labels; ini: dockyard_labels)",
    )
    parser.addini(
        "dockyard_labels", "KEY=VALUE per line: labels of every container", "linelist", []
    )
    group.addoption(
        "--dockyard-sharing",
        choices=["on", "off"],
        default=None,
        dest="dockyard_sharing",
        help="on (default): one server per module for every process and xdist worker on the "
        "engine; off: each process starts its own (ini: dockyard_sharing)",
    )
    parser.addini(
        "dockyard_sharing", "on or off: share module servers across processes", "string", ""
    )
    group.addoption(
        "--dockyard-keep-on-failure",
        action="store_true",
        default=None,
        dest="dockyard_keep_on_failure",
        help="leave the containers (and databases) a failed test used running, and print how to "
        "reach and remove them; turns sharing and the reaper off (ini: dockyard_keep_on_failure)",
    )
    parser.addini("dockyard_keep_on_failure", "keep the containers of failed tests", "bool", False)
    group.addoption(
        "--dockyard-require-engine",
        action="store_true",
        default=None,
        dest="dockyard_require_engine",
        help="fail, rather than skip, tests that need Docker when no engine answers (for CI; "
        "ini: dockyard_require_engine)",
    )
    parser.addini(
        "dockyard_require_engine", "fail instead of skip without an engine", "bool", False
    )
    group.addoption(
        "--dockyard-startup-timeout",
        type=float,
        default=None,
        dest="dockyard_startup_timeout",
        metavar="SECONDS",
        help="how long a container may take to become ready, unless it sets its own "
        "(default 60; ini: dockyard_startup_timeout)",
    )
    parser.addini(
        "dockyard_startup_timeout", "seconds a container may take to be ready", "string", ""
    )
    group.addoption(
        "--dockyard-log-lines",
        type=int,
        default=None,
        dest="dockyard_log_lines",
        metavar="N",
        help=f"log lines of each container a failed test used, in its report (default "
        f"{DEFAULT_LOG_LINES}, 0: none; ini: dockyard_log_lines)",
    )
    parser.addini(
        "dockyard_log_lines", "log lines per container in a failure's report", "string", ""
    )


def url_option(module: str) -> str:
    return f"dockyard_{module}_url"


def add_service_options(parser: pytest.Parser, module: str, *, example: str) -> None:
    """``--dockyard-<module>-url`` / ini ``dockyard_<module>_url``: use a running server.

    For a module's plugin (its ``pytest_addoption``): with a URL its fixtures connect to
    that server, isolate each test there the same way, and start no container.
    """
    flag = "--dockyard-" + module.replace("_", "-") + "-url"
    _group(parser).addoption(
        flag,
        dest=url_option(module),
        default=None,
        metavar="URL",
        help=f"use the {module} server already running at URL (e.g. {example}) instead of "
        f"starting a container (ini: {url_option(module)})",
    )
    parser.addini(url_option(module), f"URL of a running {module} server to use", "string", "")


def _value(config: pytest.Config, name: str) -> object:
    """The command line's value, else the ini file's (None / "" when neither gives one)."""
    given = config.getoption(name, default=None)
    if given is not None and given != []:
        return given
    return config.getini(name)


def _images(lines: Sequence[str], modules: Sequence[str]) -> dict[str, str]:
    images: dict[str, str] = {}
    for line in lines:
        name, sep, image = line.partition("=")
        name, image = name.strip(), image.strip()
        if not sep or not name or not image:
            raise OptionError(
                f"--dockyard-image / dockyard_images {line!r}: write NAME=IMAGE, e.g. "
                "postgres=postgres:15"
            )
        if name not in modules:
            known = ", ".join(modules) or "none"
            raise OptionError(
                f"--dockyard-image {line!r}: no installed Dockyard module is named {name!r} "
                f"(installed: {known}). Install dockyard-{name}, or fix the name."
            )
        images[name] = image
    return images


def _lines(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(line) for line in value or []]  # type: ignore[attr-defined]


def _labels(lines: Sequence[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise OptionError(
                f"--dockyard-label / dockyard_labels {line!r}: write KEY=VALUE, e.g. ci.job=1234"
            )
        labels[key.strip()] = value.strip()
    return labels


def _sharing(value: object) -> bool | None:
    text = str(value or "").strip().lower()
    if not text:
        return None
    if text not in _SHARING:
        raise OptionError(f"dockyard_sharing = {value!r}: write on or off")
    return _SHARING[text]


def _timeout(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        seconds = float(str(value))
    except ValueError:
        seconds = math.nan
    if not seconds > 0 or math.isinf(seconds):
        raise OptionError(
            f"--dockyard-startup-timeout / dockyard_startup_timeout {value!r}: give a positive "
            "number of seconds, e.g. 120"
        )
    return seconds


def _log_lines(value: object) -> int:
    if value is None or value == "":
        return DEFAULT_LOG_LINES
    try:
        lines = int(str(value))
    except ValueError:
        lines = -1
    if lines < 0:
        raise OptionError(f"--dockyard-log-lines / dockyard_log_lines {value!r}: give 0 or more")
    return lines


@dataclass(frozen=True)
class Settings:
    """What the options say for this run (see ``pytest --help``, group dockyard)."""

    images: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    sharing: bool | None = None
    keep_on_failure: bool = False
    require_engine: bool = False
    startup_timeout: float | None = None
    log_lines: int = DEFAULT_LOG_LINES
    urls: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, config: pytest.Config, modules: Sequence[str]) -> Settings:
        urls: dict[str, str] = {}
        for module in modules:
            url = str(_value(config, url_option(module)) or "").strip()
            if url:
                urls[module] = url
        return cls(
            images=_images(_lines(_value(config, "dockyard_images")), modules),
            labels=_labels(_lines(_value(config, "dockyard_labels"))),
            sharing=_sharing(_value(config, "dockyard_sharing")),
            keep_on_failure=bool(_value(config, "dockyard_keep_on_failure")),
            require_engine=bool(_value(config, "dockyard_require_engine")),
            startup_timeout=_timeout(_value(config, "dockyard_startup_timeout")),
            log_lines=_log_lines(_value(config, "dockyard_log_lines")),
            urls=urls,
        )

    @property
    def shares(self) -> bool:
        """Whether module servers ask for sharing (never while keeping failed tests' containers)."""
        return self.sharing is not False and not self.keep_on_failure
