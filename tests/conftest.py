"""Fixtures shared by every app's tests. App-specific fixtures live in tests/<app>/conftest.py."""

import os

import pytest

from stores.models import Role
from tests.factories import MembershipFactory, StoreFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


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


def pytest_unconfigure(config):
    """Remove this run's database file and broker folder (see ``TEST_RUN_DIR`` in settings)."""
    import shutil

    from django.conf import settings

    if settings.configured and getattr(settings, "TEST_RUN_DIR", None):
        shutil.rmtree(settings.TEST_RUN_DIR, ignore_errors=True)
