"""The hooks a container subclass may define, checked when the subclass is defined.

Like pluggy checks a plugin's hooks against their specification, a subclass of
``DockerContainer`` that defines a method named like a hook but misspelt (``_on_start``,
``_configur``) or with the wrong parameters fails at class definition with ``HookError``,
instead of being silently never called.
"""

from __future__ import annotations

import difflib
import inspect
from typing import Any

from ._errors import HookError

#: hook name → (parameters after self, what it is for)
HOOKS: dict[str, tuple[tuple[str, ...], str]] = {
    "_configure": ((), "change the container through its builder methods before start"),
    "_configure_spec": (("spec",), "return the ContainerSpec to create (a copy per start)"),
    "_on_started": (("container",), "act on the RunningContainer before readiness"),
    "_default_wait_strategy": ((), "the readiness check used when the user gave none"),
    "_on_ready": (("container",), "act on the RunningContainer once it is ready"),
}
_SIMILARITY = 0.84


def _signature_text(name: str) -> str:
    params = ", ".join(("self", *HOOKS[name][0]))
    return f"{name}({params})"


def _positional(function: Any) -> int | None:
    """How many positional parameters (self included) the function takes; None: any."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    count = 0
    for param in signature.parameters.values():
        if param.kind is param.VAR_POSITIONAL:
            return None
        positional = param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD)
        if positional and param.default is param.empty:
            count += 1
    return count


def check_hooks(cls: type, extra_names: tuple[str, ...] = ()) -> None:
    """Raise HookError for a misspelt hook or a hook with the wrong parameters."""
    known = [*HOOKS, *extra_names]
    for name, value in vars(cls).items():
        function = value.__func__ if isinstance(value, staticmethod | classmethod) else value
        if not callable(function) or name.startswith("__"):
            continue
        if name in HOOKS:
            wanted = 1 + len(HOOKS[name][0])
            got = _positional(function)
            if got is not None and got != wanted:
                raise HookError(
                    f"{cls.__qualname__}.{name} must be defined as {_signature_text(name)}: "
                    f"{HOOKS[name][1]}."
                )
            continue
        if not name.startswith("_") or name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=_SIMILARITY)
        if close:
            raise HookError(
                f"{cls.__qualname__}.{name} looks like a misspelt hook: Dockyard would never "
                f"call it. Did you mean {_signature_text(close[0])}? (Hooks: "
                f"{', '.join(HOOKS)}.) Rename it, or give a helper a less similar name."
            )
