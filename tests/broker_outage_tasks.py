"""Test-only tasks for tests/test_broker_outage.py, loaded into the test's worker with ``-I``.

Each run of a task appends one line to a file named after it, so the test can tell which tasks ran and how often
without the broker or the database.
"""

import time
from pathlib import Path

from celery import shared_task


@shared_task(acks_late=True)
def outage_marker_task(*, directory: str, name: str, seconds: float = 0.0) -> str:
    """Wait ``seconds`` (a task still running when the broker goes away), then record one run of ``name``."""
    time.sleep(seconds)
    with (Path(directory) / name).open("a") as runs:
        runs.write("ran\n")
    return name


def runs_of(directory: Path) -> dict[str, int]:
    """How many times each marker task ran, by name."""
    return {path.name: len(path.read_text().splitlines()) for path in directory.iterdir()}
