"""A real Celery worker process for tests: the same code, database and broker as the test, no eager mode.

The worker runs ``celery -A growthhub worker --pool=solo`` against the test database (a file on SQLite, the
``test_*`` database on PostgreSQL) and the run's own broker folder or Redis queue, which settings derive from
``GROWTHHUB_TEST_RUN_DIR``. Settings a test overrides in its own process do NOT reach the worker; hand them over as
environment variables (``extra_env``, or the ``celery_worker_env`` fixture that ``celery_worker_process`` uses).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from growthhub.celery import app as celery_app

READY_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0


def database_url_for(settings_dict: Mapping[str, Any]) -> str:
    """The DATABASE_URL of the database this process's connection uses right now (the test database in a test)."""
    engine = settings_dict["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        name = str(settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            raise RuntimeError(
                "A Celery worker cannot share an in-memory SQLite database; the test database must be a file."
            )
        return f"sqlite:///{Path(name).resolve()}"
    if engine == "django.db.backends.postgresql":
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "localhost"
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{quote(str(settings_dict['NAME']), safe='')}"
    raise RuntimeError(f"No DATABASE_URL form for the database engine {engine}.")


class CeleryWorker:
    """One ``celery worker`` subprocess; ``start()`` returns once it consumes the run's queue."""

    def __init__(
        self,
        *,
        extra_env: Mapping[str, str] | None = None,
        name: str = "worker",
        pool: str = "solo",
        concurrency: int = 1,
        include: Sequence[str] = (),
    ) -> None:
        """``pool``/``concurrency``: ``prefork`` with 2 runs the worker as production does (a main process that
        keeps consuming while children run tasks); ``include``: extra task modules (``-I``), e.g. test-only tasks."""
        self.queue = settings.CELERY_TASK_DEFAULT_QUEUE
        self.log_path = Path(settings.TEST_RUN_DIR) / f"celery-{name}-{os.getpid()}.log"
        self.hostname = f"{name}-{Path(settings.TEST_RUN_DIR).name}@%h"
        self.extra_env = dict(extra_env or {})
        self.pool = pool
        self.concurrency = concurrency
        self.include = tuple(include)
        self.process: subprocess.Popen[bytes] | None = None

    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("COV_CORE_", "PYTEST_"))}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "growthhub.settings",
                "GROWTHHUB_TESTING": "1",
                "GROWTHHUB_TEST_RUN_DIR": str(settings.TEST_RUN_DIR),
                "DATABASE_URL": database_url_for(connection.settings_dict),
                "REDIS_URL": settings.REDIS_URL,
                "PLATFORM_MODE": settings.PLATFORM_MODE,
                "SANDBOX_BASE_URL": settings.SANDBOX_BASE_URL,
                "SITE_URL": settings.SITE_URL,
                "LOG_LEVEL": "INFO",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self) -> CeleryWorker:
        self.purge()
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "growthhub",
            "worker",
            f"--pool={self.pool}",
            f"--concurrency={self.concurrency}",
            "-Q",
            self.queue,
            "-n",
            self.hostname,
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ]
        if self.include:
            command += ["-I", ",".join(self.include)]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - a fixed command line, no shell
                command, cwd=settings.BASE_DIR, env=self.environment(), stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The Celery worker exited with {self.process.returncode}:\n{self.log_tail()}")
            if " ready." in self.log():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"The Celery worker was not ready within {READY_TIMEOUT_SECONDS:.0f} s:\n{self.log_tail()}")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Stop the worker at once (SIGKILL); a test awaits its effects before it ends.

        A task still in hand is cut off and its database transaction rolled back, as when a worker host dies.
        (Celery's warm shutdown would take seconds here: the filesystem broker's loop polls with a 2 s timeout.)
        """
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        self.process = None

    def purge(self) -> int:
        """Drop messages left in the run's queue, so one test's tasks never run in the next test."""
        with celery_app.connection_for_write() as conn:
            return conn.default_channel.queue_purge(self.queue) or 0

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def wait_until(self, condition: Callable[[], Any], *, timeout: float = 20.0, interval: float = 0.1) -> Any:
        """Poll ``condition`` until it returns something truthy; fail with the worker's log if it never does."""
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if not self.alive:
                raise AssertionError(f"The Celery worker died:\n{self.log_tail()}")
            if time.monotonic() >= deadline:
                raise AssertionError(f"Condition not met within {timeout} s; worker log:\n{self.log_tail()}")
            time.sleep(interval)


class RedisServer:
    """A private ``redis-server`` on a free 127.0.0.1 port, for tests that stop and start the broker.

    Its data lives in ``directory`` with the append-only file on (``appendonly yes``), as the documented deployment
    runs Redis: a restart keeps the queued messages and the unacknowledged index. ``stop()`` shuts it down the way
    a host losing Redis does for its clients (connections reset); ``start()`` again brings the same data back.
    """

    def __init__(self, *, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log_path = directory / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        command = [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.directory),
            "--save",
            "",
            "--appendonly",
            "yes",
            "--daemonize",
            "no",
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 - fixed command
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}: {self.log_path.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(64).startswith(b"+PONG"):
                        return self
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer within {READY_TIMEOUT_SECONDS:.0f} s")

    def stop(self) -> None:
        """Shut Redis down (SIGTERM: it writes the append-only file and exits, dropping every client)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        self.process = None
