"""Starting one container, as ordered steps that each register their undo before they run.

    resolve image → validate → reaper → networks → create → connect → copy → start
    → attach (one inspection, the log stream) → ports → hooks → readiness

Files are copied before the process starts (a config file or an init script must be there
when it reads it). Whatever fails or is interrupted — a ``KeyboardInterrupt`` arriving in
the middle of an engine call included — the steps already taken are undone in reverse
order, exactly: a container the engine made but whose id never reached us is found by the
creation label this start put on it. The undo runs with Ctrl-C held back, and the original
exception or interrupt propagates unchanged.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from ._errors import (
    ConfigurationError,
    ConflictError,
    ContainerStartupError,
    DockyardError,
    EngineError,
    NotFoundError,
    ReadinessAbort,
)
from ._host_ports import with_host_access
from ._images import ensure_image, resolve_image_name
from ._interrupts import interrupts_deferred
from ._labels import LABEL_CREATION, LABEL_HASH, LABEL_REUSE, base_labels
from ._network import Network
from ._reuse import find_or_create, reuse_name
from ._running import Readiness, RunningContainer
from ._sharing import LABEL_SHARED, shared_name
from ._spec import ContainerSpec

if TYPE_CHECKING:
    from ._session import Session
    from ._wait import WaitStrategy

log = logging.getLogger("dockyard.core.container")

#: plain: this process's container; reuse: persistent, found again by hash; shared: one per
#: configuration for every process, held by leases.
Mode = Literal["plain", "reuse", "shared"]


def _since(began: float) -> str:
    return f"{(time.monotonic() - began) * 1000:.0f} ms"


def start_failure_hint(explanation: str) -> str:
    """What to do when the engine refuses to start a container, from what it said."""
    text = explanation.lower()
    if "port is already allocated" in text or "address already in use" in text:
        return (
            "A host port given to with_bind_ports() is already in use: pick a free one, or "
            "leave the host port out for a random free one"
        )
    if "network" in text and "not found" in text:
        return (
            "The network does not exist: pass a Network object to with_network() to have "
            "it created, or create the network first"
        )
    if "no such file" in text or "executable file not found" in text or "exec format" in text:
        return "Check the command and entrypoint: the executable was not found in the image"
    if "permission denied" in text:
        return "Check the command, the user and the permissions of what the container runs"
    return "Check the container's options and the engine's message above"


class Startup:
    """One ``start()``: the steps, and the undo of each step taken so far."""

    def __init__(
        self,
        session: Session,
        spec: ContainerSpec,
        *,
        timeout: float,
        owner: Any,
        mode: Mode,
        on_started: Callable[[RunningContainer], None],
        on_ready: Callable[[RunningContainer], None],
        wait_strategy: Callable[[], WaitStrategy | None],
    ) -> None:
        self.session = session
        self.spec = spec
        self.timeout = timeout
        self.owner = owner
        self.mode = mode
        self._on_started = on_started
        self._on_ready = on_ready
        self._wait_strategy = wait_strategy
        self._undo: list[tuple[str, Callable[[], None]]] = []
        self._began = time.monotonic()
        self.image = ""
        self.reused = False
        self.digest = ""

    # -- the steps --------------------------------------------------------------------------
    def run(self) -> RunningContainer:
        try:
            options = self._prepare()
            if self.mode == "shared":
                # The lease first: a container found after this cannot be reaped under us.
                self.session.leases.acquire(self.digest, self.session.config.sharing_grace)
                self._register("lease", lambda: self.session.leases.release(self.digest))
            elif self.mode == "plain":
                self.session.ensure_reaper()
            self._create_networks()
            options = with_host_access(self.session, self.spec, options, self.mode)
            running = self._reuse_or_create(options)
            self._finish(running)
            return running
        except BaseException as exc:
            log.info(
                "%s: start failed after %s (%s)",
                self.image or self.spec.image,
                _since(self._began),
                type(exc).__name__,
            )
            self.rollback()
            raise

    def _prepare(self) -> dict[str, Any]:
        """Resolve and make sure of the image, and validate everything, before anything exists."""
        config = self.session.config
        self.image = resolve_image_name(self.spec.image, config)
        ensure_image(self.session, self.image, config.pull_policy, self.spec.image)
        self.spec.check_complete()
        self.digest = self.spec.config_hash(self.image)
        if self.mode == "reuse":
            labels = {**base_labels(), LABEL_HASH: self.digest, LABEL_REUSE: "true"}
        elif self.mode == "shared":
            owned = [a.name for a in self.spec.networks if not isinstance(a.network, str)]
            if owned:
                raise ConfigurationError(
                    f"A shared container outlives this process, so its networks must too: "
                    f"{owned} are Network objects this process would remove. Give network "
                    "names of networks that exist, or do not share this container."
                )
            labels = {**base_labels(), LABEL_SHARED: self.digest}
        else:
            labels = self.session.labels()
        options = self.spec.create_options(self.image, labels, self.session.publish_address())
        self.session.engine.validate_create_options(options)
        return options

    def _create_networks(self) -> None:
        for attachment in self.spec.networks:
            network = attachment.network
            if isinstance(network, Network) and network.create_if_needed(self.session):
                self._register(f"network {network.name}", network.remove_quietly)

    def _reuse_or_create(self, options: dict[str, Any]) -> RunningContainer:
        if self.mode == "plain":
            ident = self._create(options)
            self._setup_and_start(ident)
            return self._attach(ident)
        if self.mode == "reuse":
            name, label = self.spec.name or reuse_name(self.digest), LABEL_HASH
        else:
            name, label = self.spec.name or shared_name(self.digest), LABEL_SHARED
        options = {**options, "name": name}

        def create() -> str:
            return self._create(options, conflict_is_race=True)

        attrs, created = find_or_create(
            self.session.engine, self.digest, name, create, self.timeout, label
        )
        ident = str(attrs["Id"])
        if created:
            self._setup_and_start(ident)
            return self._attach(ident)
        self.reused = True
        # Someone else's container: never ours to remove on failure.
        self._undo = [(what, undo) for what, undo in self._undo if not what.startswith("container")]
        return self._attach(ident, owned=False)

    def _create(self, options: dict[str, Any], *, conflict_is_race: bool = False) -> str:
        engine = self.session.engine
        log.info("%s: creating a container", self.image)
        token = uuid.uuid4().hex
        options = {**options, "labels": {**options.get("labels", {}), LABEL_CREATION: token}}

        def remove_what_this_create_made() -> None:
            for found in engine.list_containers({"label": f"{LABEL_CREATION}={token}"}):
                engine.remove_container(str(found["Id"]))

        # Registered first: an interrupt during the request leaves an unnamed orphan.
        self._register("container (by creation label)", remove_what_this_create_made)
        first, aliases = (
            (self.spec.networks[0].name, self.spec.networks[0].aliases)
            if self.spec.networks
            else (None, ())
        )
        try:
            return engine.create_container(options, first, aliases)
        except ConflictError as exc:
            if conflict_is_race:
                raise
            raise ContainerStartupError(
                f"A container named {options.get('name')!r} already exists: {exc.explanation}. "
                "Pick another with_name() or remove the old one with `docker rm -f`"
            ) from exc
        except NotFoundError as exc:
            raise ContainerStartupError(
                f"Docker could not create a container from {self.image}: {exc.explanation}. "
                + start_failure_hint(exc.explanation)
            ) from exc
        except EngineError as exc:
            raise ContainerStartupError(
                f"Docker refused to create a container from {self.image}: {exc.explanation}. "
                "Check the container's options"
            ) from exc

    def _setup_and_start(self, ident: str) -> None:
        engine = self.session.engine
        self._undo[-1] = (f"container {ident[:12]}", lambda: engine.remove_container(ident))
        step = ""
        try:
            for attachment in self.spec.networks[1:]:
                step = f"connect it to network {attachment.name!r}"
                engine.connect_network(attachment.name, ident, attachment.aliases)
            for copy in self.spec.copies:
                step = f"copy {copy.path} into it"
                engine.put_archive(ident, "/", copy.archive())
            step = "start it"
            engine.start_container(ident)
        except EngineError as exc:
            hint = start_failure_hint(exc.explanation)
            logs = ""
            if step == "start it":
                try:
                    logs = engine.logs(ident, tty=False, tail=50).decode(errors="replace")
                except DockyardError:
                    logs = ""
            raise ContainerStartupError(
                f"Created a container from {self.image} but could not {step}: "
                f"{exc.explanation}. {hint}",
                logs=logs.rstrip(),
                container_id=ident,
            ) from exc

    def _attach(self, ident: str, owned: bool = True) -> RunningContainer:
        engine = self.session.engine
        attrs = engine.inspect_container(ident)
        running = RunningContainer(
            self.session,
            attrs,
            self.spec,
            self.image,
            owner=self.owner,
            created=owned,
            mode=self.mode,
        )
        if owned:
            self._undo[-1] = (f"container {ident[:12]}", running.remove)
        else:
            self._register(f"log stream of {ident[:12]}", running.detach)
        how = "started" if owned else f"joined the {self.mode} container"
        log.info(
            "%s: %s %s (%s) after %s",
            self.image,
            how,
            running.short_id,
            running.name,
            _since(self._began),
        )
        return running

    def _finish(self, running: RunningContainer) -> None:
        strategy = self._wait_strategy()
        # Without a wait strategy a container that exits is still "started" (as upstream):
        # its logs can be read, its ports are gone.
        running.publish_all(strict=strategy is not None)
        self._on_started(running)
        if strategy is None:
            self._on_ready(running)
            log.info(
                "%s: %s up (no readiness check) after %s",
                self.image,
                running.short_id,
                _since(self._began),
            )
            return
        # The readiness wait gets what is left of the startup timeout (at least a second).
        began = max(self._began, time.monotonic() + 1.0 - self.timeout)
        running.watch_for_oom()
        self._register("event stream", running.stop_watching_events)
        try:
            strategy.wait_until_ready(Readiness(running, self.timeout, began=began))
        except ReadinessAbort as exc:
            raise ReadinessAbort(
                f"{exc}\n--- last log lines of {running.describe()} ---\n"
                f"{running.tail_logs()}\n--- end of logs ---"
            ) from exc
        except ContainerStartupError as exc:
            if exc.container_id is None:
                exc.container_id = running.id
            raise
        finally:
            running.stop_watching_events()
        self._on_ready(running)
        log.info(
            "%s: %s ready in %s (%s)",
            self.image,
            running.short_id,
            _since(self._began),
            strategy.describe(),
        )

    # -- undo -------------------------------------------------------------------------------
    def _register(self, what: str, undo: Callable[[], None]) -> None:
        self._undo.append((what, undo))

    def rollback(self) -> None:
        """Undo the steps taken, newest first; an undo that fails is logged, never raised."""
        with interrupts_deferred():
            while self._undo:
                what, undo = self._undo.pop()
                try:
                    undo()
                except Exception as exc:
                    log.warning("could not undo %s after a failed start: %s", what, exc)
