"""What Dockyard (and Testcontainers) left on an engine, grouped by session, and what of it
belongs to sessions that are gone: the model behind ``dockyard ps`` and ``dockyard prune``.

Only objects carrying the ``org.testcontainers`` label are ever looked at. A session is
*gone* when no reaper of it runs and every container of it is older than a limit; shared
services belong to their lease reaper, reused containers to nobody (removed on request).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ._engine import Engine
from ._labels import LABEL_BASE, LABEL_REUSE, LABEL_RYUK, LABEL_SESSION_ID, name_safe
from ._sharing import LABEL_SHARED, lease_reaper_name

#: testcontainers-python's session label (Dockyard writes Java's ``sessionId``).
UPSTREAM_SESSION_LABEL = "org.testcontainers.session-id"


@dataclass
class Item:
    kind: str  # container, network, image
    id: str
    name: str
    status: str = ""
    image: str = ""
    created: float = 0.0
    role: str = ""  # session, shared, reused, reaper


@dataclass
class Session:
    id: str
    items: list[Item] = field(default_factory=list)
    reaper_running: bool = False

    def gone(self, now: float, older_than: float) -> bool:
        containers = [i for i in self.items if i.kind == "container"]
        return not self.reaper_running and all(now - c.created >= older_than for c in containers)


@dataclass
class Inventory:
    sessions: dict[str, Session] = field(default_factory=dict)
    shared: list[Item] = field(default_factory=list)
    reused: list[Item] = field(default_factory=list)
    reapers: list[Item] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "sessions": {
                sid: {"reaper_running": s.reaper_running, "items": [asdict(i) for i in s.items]}
                for sid, s in sorted(self.sessions.items())
            },
            "shared": [asdict(i) for i in self.shared],
            "reused": [asdict(i) for i in self.reused],
            "reapers": [asdict(i) for i in self.reapers],
        }


def _session_of(labels: dict[str, str]) -> str | None:
    return labels.get(LABEL_SESSION_ID) or labels.get(UPSTREAM_SESSION_LABEL)


def take(engine: Engine) -> Inventory:
    """Everything labelled ``org.testcontainers`` on the engine, sorted into its owners."""
    inventory = Inventory()
    running_reapers: set[str] = set()
    for summary in engine.list_containers({"label": LABEL_BASE}):
        labels = dict(summary.get("Labels") or {})
        item = Item(
            kind="container",
            id=str(summary["Id"])[:12],
            name=str((summary.get("Names") or ["/?"])[0]).lstrip("/"),
            status=str(summary.get("State") or ""),
            image=str(summary.get("Image") or ""),
            created=float(summary.get("Created") or 0),
        )
        if labels.get(LABEL_RYUK) == "true":
            item.role = "reaper"
            inventory.reapers.append(item)
            if item.status == "running":
                running_reapers.add(item.name)
        elif LABEL_SHARED in labels:
            item.role = "shared"
            inventory.shared.append(item)
        elif labels.get(LABEL_REUSE) == "true":
            item.role = "reused"
            inventory.reused.append(item)
        elif (sid := _session_of(labels)) is not None:
            item.role = "session"
            inventory.sessions.setdefault(sid, Session(sid)).items.append(item)
    for summary in engine.list_networks({"label": LABEL_BASE}):
        sid = _session_of(dict(summary.get("Labels") or {}))
        if sid is not None:
            inventory.sessions.setdefault(sid, Session(sid)).items.append(
                Item(
                    "network",
                    str(summary["Id"])[:12],
                    str(summary.get("Name") or ""),
                    role="session",
                )
            )
    for summary in engine.list_images({"label": LABEL_BASE}):
        sid = _session_of(dict(summary.get("Labels") or {}))
        if sid is not None:
            tags = summary.get("RepoTags") or ["<none>"]
            inventory.sessions.setdefault(sid, Session(sid)).items.append(
                Item(
                    "image",
                    str(summary["Id"]).removeprefix("sha256:")[:12],
                    str(tags[0]),
                    created=float(summary.get("Created") or 0),
                    role="session",
                )
            )
    for sid, session in inventory.sessions.items():
        names = {f"dockyard-ryuk-{name_safe(sid)}", f"testcontainers-ryuk-{sid}"}
        session.reaper_running = bool(names & running_reapers)
    for item in inventory.shared:
        item.status += "" if _lease_held(inventory, item) else " (no lease reaper)"
    return inventory


def _lease_held(inventory: Inventory, shared: Item) -> bool:
    # The shared container's name carries its hash's first 24 digits, as its reaper's does.
    digest = shared.name.removeprefix("dockyard-shared-")
    wanted = lease_reaper_name(digest)
    return any(r.name == wanted and r.status == "running" for r in inventory.reapers)


def prune(
    engine: Engine,
    inventory: Inventory,
    *,
    older_than: float,
    reused: bool,
    dry_run: bool,
    sessions: Sequence[str] = (),
) -> list[Item]:
    """Remove what gone sessions left (only ``sessions`` when given; reused containers when
    asked); what it removed."""
    now = time.time()
    doomed: list[Item] = []
    for session in inventory.sessions.values():
        if sessions and session.id not in sessions:
            continue
        if session.gone(now, older_than):
            doomed.extend(session.items)
    if reused:
        doomed.extend(inventory.reused)
    # Containers first: a network or image in use cannot go before them.
    order = {"container": 0, "network": 1, "image": 2}
    doomed.sort(key=lambda item: order[item.kind])
    if dry_run:
        return doomed
    for item in doomed:
        if item.kind == "container":
            engine.remove_container(item.id)
        elif item.kind == "network":
            engine.remove_network(item.id)
        else:
            engine.remove_image(item.id)
    return doomed
