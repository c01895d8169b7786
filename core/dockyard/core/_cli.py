"""The ``dockyard`` command: doctor, ps, prune, migrate.

dockyard doctor [--json]      is the engine reachable, which host, which reaper and images
dockyard ps [--json]          what Dockyard (and Testcontainers) left, by session
dockyard prune [--reused] [--older-than SECONDS] [--dry-run] [--json]
dockyard migrate PATH...      testcontainers-python imports → Dockyard's (see --help)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

from dockyard.migrate import main as migrate

from ._config import load_config, properties_path
from ._errors import DockyardError
from ._image_names import parse_substitutions
from ._images import resolve_image_name
from ._inventory import Inventory, Item, prune, take
from ._session import current_session
from ._version import __version__


def _doctor() -> tuple[int, dict[str, Any]]:
    config = load_config()
    report: dict[str, Any] = {"version": __version__, "ok": False}
    try:
        session = current_session()
    except DockyardError as exc:
        report["engine"] = {"reachable": False, "error": str(exc)}
        return 1, report
    engine = session.engine
    version = engine.version()
    report["engine"] = {
        "reachable": True,
        "url": engine.url,
        "version": version.get("Version"),
        "api": version.get("ApiVersion"),
        "os": f"{version.get('Os')}/{version.get('Arch')}",
    }
    decision = session.host_decision()
    report["host"] = {
        "host": decision.host or f"one of {', '.join(decision.candidates)}",
        "why": decision.reason,
        "publish_address": session.publish_address(),
    }
    reaper_image = resolve_image_name(config.ryuk_image, config)
    reaper_present = engine.image_present(reaper_image)
    report["reaper"] = {
        "disabled": config.ryuk_disabled,
        "image": reaper_image,
        "requested": config.ryuk_image,
        "present": reaper_present,
        "pull_policy": str(config.pull_policy),
    }
    report["substitutions"] = {
        source: {"image": target, "present": engine.image_present(target)}
        for source, target in parse_substitutions(config.image_substitutions).items()
    }
    report["sharing"] = {"mode": str(config.sharing), "grace_seconds": config.sharing_grace}
    report["settings_file"] = {
        "path": str(properties_path()),
        "exists": properties_path().is_file(),
    }
    usable = config.ryuk_disabled or reaper_present or str(config.pull_policy) != "never"
    report["ok"] = usable
    return (0 if usable else 1), report


def _print_doctor(report: dict[str, Any]) -> None:
    engine = report["engine"]
    if not engine["reachable"]:
        print(f"engine: NOT reachable: {engine['error']}")
        return
    versions = f"Docker {engine['version']} (API {engine['api']}), {engine['os']}"
    print(f"engine:  {engine['url']} - {versions}")
    host = report["host"]
    # "" is the engine's own spelling of every address (see HostResolver.publish_address).
    published = host["publish_address"] or "every address"
    print(f"host:    {host['host']} ({host['why']}); ports published on {published}")
    reaper = report["reaper"]
    if reaper["disabled"]:
        print("reaper:  disabled (TESTCONTAINERS_RYUK_DISABLED): a killed run leaves containers")
    else:
        state = "present" if reaper["present"] else f"missing (pull policy {reaper['pull_policy']})"
        via = f" for {reaper['requested']}" if reaper["requested"] != reaper["image"] else ""
        print(f"reaper:  {reaper['image']}{via}: {state}")
    for source, target in report["substitutions"].items():
        state = "present" if target["present"] else "MISSING"
        print(f"image:   {source} -> {target['image']}: {state}")
    print(f"sharing: {report['sharing']['mode']}, grace {report['sharing']['grace_seconds']:g} s")
    where = report["settings_file"]
    print(f"settings: {where['path']} ({'found' if where['exists'] else 'none'})")
    print("ok" if report["ok"] else "NOT ok: the reaper image cannot be had (see above)")


def _age(item: Item) -> str:
    if not item.created:
        return "-"
    seconds = int(time.time() - item.created)
    return (
        f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
        if seconds >= 3600
        else f"{seconds // 60}m{seconds % 60:02d}s"
    )


def _print_items(title: str, items: Sequence[Item]) -> None:
    if not items:
        return
    print(title)
    for item in items:
        where = f"{item.name:<40} {item.status:<10} {_age(item):>7}"
        print(f"  {item.kind:<9} {item.id:<12}  {where}  {item.image}")


def _print_inventory(inventory: Inventory) -> None:
    for sid, session in sorted(inventory.sessions.items()):
        state = "reaper running" if session.reaper_running else "no reaper running"
        _print_items(f"session {sid} ({state})", session.items)
    _print_items("shared services", inventory.shared)
    _print_items("reused containers", inventory.reused)
    _print_items("reapers", inventory.reapers)
    if not (inventory.sessions or inventory.shared or inventory.reused or inventory.reapers):
        print("nothing of Dockyard's or Testcontainers' on this engine")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dockyard", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    doctor = commands.add_parser("doctor", help="check the engine, host, reaper and images")
    ps = commands.add_parser("ps", help="list what Dockyard created, by session")
    cleanup = commands.add_parser("prune", help="remove what sessions that are gone left")
    cleanup.add_argument("--reused", action="store_true", help="also reused containers")
    cleanup.add_argument(
        "--older-than",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="a session without a running reaper counts as gone once all its containers are "
        "this old (default 600)",
    )
    cleanup.add_argument("--dry-run", action="store_true", help="list, remove nothing")
    cleanup.add_argument(
        "--session",
        action="append",
        default=[],
        metavar="ID",
        help="only this session (repeatable)",
    )
    for sub in (doctor, ps, cleanup):
        sub.add_argument("--json", action="store_true", help="machine-readable output")
    commands.add_parser("migrate", help="rewrite testcontainers-python imports", add_help=False)
    args, rest = parser.parse_known_args(argv)
    if args.command == "migrate":
        return migrate(rest, prog="dockyard migrate")
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        if args.command == "doctor":
            code, report = _doctor()
            print(json.dumps(report, indent=2)) if args.json else _print_doctor(report)
            return code
        engine = current_session().engine
        inventory = take(engine)
        if args.command == "ps":
            print(json.dumps(inventory.as_json(), indent=2)) if args.json else _print_inventory(
                inventory
            )
            return 0
        removed = prune(
            engine,
            inventory,
            older_than=args.older_than,
            reused=args.reused,
            dry_run=args.dry_run,
            sessions=args.session,
        )
        if args.json:
            print(
                json.dumps(
                    {"dry_run": args.dry_run, "removed": [vars(i) for i in removed]}, indent=2
                )
            )
        else:
            verb = "would remove" if args.dry_run else "removed"
            _print_items(f"{verb} {len(removed)}", removed)
            if not removed:
                print("nothing to remove")
        return 0
    except DockyardError as exc:
        print(f"dockyard {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
