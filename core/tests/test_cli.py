"""The dockyard command against the real engine: doctor, ps, prune, migrate."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from conftest import REDIS, container_ids, local_image

from dockyard.core import LABEL_BASE, LABEL_SESSION_ID, DockerContainer, LogMessageWaitStrategy
from dockyard.core._cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_doctor_names_engine_host_reaper_and_images(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "doctor", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"]
    assert report["engine"]["reachable"] and report["engine"]["api"]
    assert report["host"]["host"] == "localhost" and report["host"]["why"]
    assert report["substitutions"]["redis"]["present"]
    code, out = run(capsys, "doctor")
    assert "engine:" in out and "host:" in out and out.rstrip().endswith("ok")


def test_doctor_says_every_address_when_ports_are_not_published_on_loopback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A documentation address (RFC 5737): doctor only prints it, nothing connects to it.
    monkeypatch.setenv("TESTCONTAINERS_HOST_OVERRIDE", "192.0.2.10")
    code, out = run(capsys, "doctor")
    assert code == 0
    assert "host:    192.0.2.10 " in out and "ports published on every address" in out


def test_doctor_without_an_engine_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:9")
    code, out = run(capsys, "doctor")
    assert code == 1 and "NOT reachable" in out


def test_ps_and_prune_leave_live_sessions_and_foreign_containers_alone(
    capsys: pytest.CaptureFixture[str], docker_client: Any
) -> None:
    gone = f"gone-{uuid.uuid4().hex[:8]}"
    # What a session that died with its reaper off leaves: labelled, no reaper running.
    leftover = docker_client.containers.run(
        local_image("redis"), detach=True, labels={LABEL_BASE: "true", LABEL_SESSION_ID: gone}
    )
    foreign = docker_client.containers.run(
        local_image("redis"), detach=True, labels={"dockyard.test.cli": "not ours"}
    )
    try:
        with DockerContainer(REDIS).waiting_for(LogMessageWaitStrategy("Ready to accept")) as live:
            code, out = run(capsys, "ps", "--json")
            sessions = json.loads(out)["sessions"]
            assert code == 0 and gone in sessions
            live_session = next(
                s for s, v in sessions.items() if any(i["id"] == live.id[:12] for i in v["items"])
            )
            assert sessions[live_session]["reaper_running"]
            # Scoped to our sessions: other tests on the engine run with the reaper off too.
            scope = ["--session", gone, "--session", live_session]
            code, out = run(capsys, "prune", "--older-than", "0", *scope, "--dry-run", "--json")
            planned = {i["id"] for i in json.loads(out)["removed"]}
            assert leftover.id[:12] in planned and live.id[:12] not in planned
            code, out = run(capsys, "prune", "--older-than", "0", *scope)
            assert code == 0
            assert not container_ids(docker_client, id=leftover.id)
            assert container_ids(docker_client, id=live.id)
        assert container_ids(docker_client, id=foreign.id)  # no label of ours: never touched
    finally:
        for container in (leftover, foreign):
            if container_ids(docker_client, id=container.id):
                container.remove(force=True)


def test_migrate_is_a_subcommand(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "test_x.py"
    source.write_text("from testcontainers.redis import RedisContainer\n")
    code, out = run(capsys, "migrate", str(source), "--check", "--diff")
    assert code == 1 and "dockyard.redis" in out
