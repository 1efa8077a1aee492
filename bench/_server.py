"""What the benchmarks that drive the app over HTTP share: ``manage.py`` in a subprocess, and gunicorn on a free
port of 127.0.0.1 with the production configuration (``growthhub.gunicorn_conf``), up until the block ends."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(args: list[str], env: dict[str, str]) -> str:
    """Run ``manage.py`` with ``args`` and ``env``; its standard output (it must succeed)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True, text=True, capture_output=True
    )
    return result.stdout


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {STARTUP_SECONDS} s")


@contextmanager
def gunicorn(port: int, env: dict[str, str], *, timeout: int | None = None) -> Iterator[str]:
    """gunicorn serving the app on ``port`` with ``env`` (``timeout``: its worker timeout in seconds), answering
    ``/healthz``; yields its base URL and stops it afterwards."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:growthhub.gunicorn_conf",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        os.devnull,
    ]
    if timeout is not None:
        command += ["--timeout", str(timeout)]
    server = subprocess.Popen(
        [*command, "growthhub.wsgi"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
