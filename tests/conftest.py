"""Fixtures shared by every app's tests. App-specific fixtures live in tests/<app>/conftest.py."""

import os

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, Response

from stores.models import Role
from tests.factories import MembershipFactory, StoreFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Every test hashes with MD5: the production hasher costs about 0.4 s a password on the CI machine, and the
    factories' users, sign-ins and the demo seed hash hundreds of them. What a test checks of a password (that it
    signs in, that a reset changes it) holds for any hasher."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Drive Debian's Chromium, never a downloaded browser."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def quick_postgresql_flush():
    """On PostgreSQL, a transactional test's database is emptied with ``DELETE`` instead of Django's ``TRUNCATE``.

    Django empties the database after each transactional test (``transaction=True``, ``live_server``, a real
    worker) with one ``TRUNCATE`` of every table, which makes new files for each of the ~80 tables and their
    indexes: about 2.5 s a test on the CI machine, against milliseconds for deleting the few rows a test leaves.
    The result is the same: every row gone, sequences not reset (``TRUNCATE`` without ``RESTART IDENTITY``), the
    foreign keys checked at commit (Django makes them ``DEFERRABLE INITIALLY DEFERRED``, so the order of the
    deletes does not matter). A flush that resets sequences or cascades keeps Django's statement.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def delete_every_row(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [
            f"{style.SQL_KEYWORD('SET CONSTRAINTS ALL DEFERRED')};",
            *(f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables),
        ]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", delete_every_row)
        yield


@pytest.fixture
def eager_celery():
    """Tasks run inline when enqueued (after commit), their errors raised in the test. Set on Celery's own conf:
    the app reads Django's settings once per process, so a ``settings.CELERY_TASK_ALWAYS_EAGER`` override made
    after any earlier test touched Celery never reaches it."""
    from growthhub.celery import app as celery_app

    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = True, True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def store(db):
    return StoreFactory(name="Northwind Outfitters", slug="northwind")


@pytest.fixture
def other_store(db):
    return StoreFactory(name="Contoso Candles", slug="contoso")


@pytest.fixture
def owner(store):
    return MembershipFactory(store=store, role=Role.OWNER, user=UserFactory(email="owner@northwind.test")).user


@pytest.fixture
def analyst(store):
    return MembershipFactory(store=store, role=Role.ANALYST, user=UserFactory(email="analyst@northwind.test")).user


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def sandbox_url(live_server, settings):
    """Point every platform at the sandbox served by this test's live server (real HTTP on 127.0.0.1)."""
    settings.PLATFORM_MODE = "sandbox"
    settings.SANDBOX_BASE_URL = f"{live_server.url}/sandbox"
    return settings.SANDBOX_BASE_URL


@pytest.fixture
def celery_worker_env() -> dict[str, str]:
    """Extra environment variables for the ``celery_worker_process`` worker (its settings come from them).

    A test's ``settings`` overrides stay in the test process; to change a setting in the worker too,
    parametrize this fixture: ``@pytest.mark.parametrize("celery_worker_env", [{"SOCIAL_RETRY_BASE_SECONDS": "1"}])``.
    """
    return {}


@pytest.fixture
def celery_worker_process(transactional_db, live_server, settings, celery_worker_env):
    """A real ``celery worker`` process on this test's database and broker, stopped at teardown.

    Tasks the test enqueues (``.delay()``, or ``transaction.on_commit`` in a service) run in that process, which
    reaches the sandbox over HTTP at this session's live server. Wait for their effects with
    ``celery_worker_process.wait_until(lambda: ...)``.
    """
    from tests.celery_worker import CeleryWorker

    settings.PLATFORM_MODE = "sandbox"
    settings.SANDBOX_BASE_URL = f"{live_server.url}/sandbox"
    settings.SITE_URL = live_server.url
    worker = CeleryWorker(extra_env=celery_worker_env).start()
    yield worker
    worker.stop()
    worker.purge()


def _test_run_is_over(run_dir, *, now: float) -> bool:
    """A run folder left by a run that was killed: its pytest process is gone, or it is more than six hours old."""
    pid, _, worker = run_dir.name.partition("-")
    if worker == "main" and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return now - run_dir.stat().st_mtime > 6 * 3600


def pytest_unconfigure(config):
    """Remove this run's database file and broker folder (see ``TEST_RUN_DIR`` in settings), and those of runs
    that were killed before they could clean up."""
    import shutil
    import time

    from django.conf import settings

    if not (settings.configured and getattr(settings, "TEST_RUN_DIR", None)):
        return
    shutil.rmtree(settings.TEST_RUN_DIR, ignore_errors=True)
    now = time.time()
    for run_dir in settings.TEST_RUN_DIR.parent.glob("*-*"):
        try:
            if run_dir.is_dir() and _test_run_is_over(run_dir, now=now):
                shutil.rmtree(run_dir, ignore_errors=True)
        except FileNotFoundError:
            continue  # another run removed it meanwhile


@pytest.fixture
def console_problems(page: Page) -> list[str]:
    """Console errors and warnings, uncaught script errors and failed requests of every page the test opens."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            problems.append(f"{message.type}: {message.text}")

    def on_page_error(error: Error) -> None:
        problems.append(f"pageerror: {error.message}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"{response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("response", on_response)
    return problems
