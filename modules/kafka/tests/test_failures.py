"""A broker that cannot start fails at once, with its log lines, and leaves nothing behind.

The startup timeout is set far above a Kafka start; the tests tell "failed fast" from
"timed out" by the error's type and content (an exit code and the broker's own complaint),
not by a stopwatch.
"""

from __future__ import annotations

from collections.abc import Callable

import docker
import pytest

from dockyard.core import ContainerStartupError, StartupTimeoutError
from dockyard.kafka import KafkaContainer

LABEL = "dockyard.kafka.test"


def _left_behind(label: str) -> list[object]:
    client = docker.from_env()
    try:
        return list(client.containers.list(all=True, filters={"label": f"{LABEL}={label}"}))
    finally:
        client.close()


@pytest.mark.parametrize(
    ("key", "value", "complaint"),
    [
        ("KAFKA_NODE_ID", "abc", "node.id"),
        ("KAFKA_LOG_RETENTION_MS", "soon", "log.retention.ms"),
    ],
)
def test_broken_setting_fails_fast_with_the_broker_logs(
    key: str, value: str, complaint: str, unique: Callable[[str], str]
) -> None:
    label = unique("broken")
    broker = (
        KafkaContainer().with_env(key, value).with_label(LABEL, label).with_startup_timeout(300)
    )
    with pytest.raises(ContainerStartupError) as caught:
        broker.start()
    error = caught.value
    assert not isinstance(error, StartupTimeoutError), f"waited for the timeout: {error}"
    assert error.exit_code not in (None, 0)
    assert "exited while starting" in str(error)
    assert complaint in error.logs and value in error.logs
    assert _left_behind(label) == []
