"""Median time from ``KafkaContainer.start()`` to a broker answering metadata.

``start()`` returns once the readiness check (a metadata answer through the published
port) passed; the script then asks for metadata once more, independently, to be sure the
clock stops at a broker that answers. Run with the test run's substitutions, e.g.::

    DOCKYARD_IMAGE_SUBSTITUTIONS="$(python3 tools/images/image_manifest.py substitutions)" \
    TESTCONTAINERS_RYUK_DISABLED=true \
    PYTHONPATH=core:modules/kafka python modules/kafka/benchmarks/bench_startup.py --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import time

from dockyard.kafka import KAFKA_PORT, KafkaContainer, metadata_answer


def one_run(image: str) -> tuple[float, float]:
    """(seconds until start() returned, seconds until an independent metadata answer)."""
    container = KafkaContainer(image)
    began = time.perf_counter()
    container.start()
    try:
        started = time.perf_counter() - began
        metadata_answer(container.host(), container.mapped_port(KAFKA_PORT), timeout=5.0)
        answered = time.perf_counter() - began
    finally:
        container.stop()
    return started, answered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--image", default="apache/kafka:4.1.1")
    args = parser.parse_args()
    results = []
    for index in range(args.runs):
        started, answered = one_run(args.image)
        results.append(answered)
        print(f"run {index + 1}: start() {started:.2f}s, metadata answered at {answered:.2f}s")
    print(
        f"median start-to-metadata over {args.runs} runs: {statistics.median(results):.2f}s "
        f"(min {min(results):.2f}s, max {max(results):.2f}s)"
    )


if __name__ == "__main__":
    main()
