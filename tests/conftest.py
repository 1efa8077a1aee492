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
