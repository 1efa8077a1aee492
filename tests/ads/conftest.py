"""Fixtures for the ads agent: stores connected to the three sandbox ad platforms, ad settings, creatives, eager
Celery (tasks run in the test, against the sandbox on the live server), and sandbox time travel."""

import datetime as dt
import uuid

import pytest

from ads.models import AdCreative
from ads.services import ad_settings_for_store
from growthhub.celery import app as celery_app
from platforms.constants import GOOGLE_ADS, META_ADS, TIKTOK_ADS
from sandbox.models import SandboxAdHistory, SandboxAdObject, SandboxCatalogItem
from tests.factories import ProductFactory
from tests.platform_fixtures import connect_store

AD_ACCOUNTS = {META_ADS: "act_1000001", GOOGLE_ADS: "1234567890", TIKTOK_ADS: "7000000001"}


@pytest.fixture(autouse=True)
def own_cache_namespace(settings) -> None:
    """Sandbox rate-limit and fault counters start from zero in every test (the cache may be shared Redis)."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
    }


@pytest.fixture
def eager_tasks():
    """Tasks run inline when enqueued (after commit); a retry runs again at once (eager mode skips countdowns)."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = True, False
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def fast_http(settings):
    settings.PLATFORM_HTTP_CONNECT_TIMEOUT = 2.0
    settings.PLATFORM_HTTP_READ_TIMEOUT = 2.0


@pytest.fixture
def ad_settings(store):
    row = ad_settings_for_store(store=store)
    row.meta_page_id, row.meta_pixel_id, row.tiktok_pixel_id = "104000000000001", "880000000000001", "C0PIXEL01"
    row.daily_spend_cap_minor, row.max_campaign_daily_budget_minor = 50_000, 20_000
    row.save()
    return row


@pytest.fixture
def product(store):
    return ProductFactory(
        store=store, external_id="SOCK-1", price_minor=2400, url="https://shop.example.com/products/sock-1"
    )


@pytest.fixture
def creative(store, product):
    return AdCreative.objects.create(
        store=store,
        name="Merino socks",
        product=product,
        headlines=["Merino Trail Socks", "Soft on long hikes", "Free returns"],
        descriptions=["Warm, breathable merino wool for every trail.", "Order today, ships tomorrow."],
        primary_text="Our best-selling merino socks are back in stock.",
        link_url=product.url,
        image_url="https://shop.example.com/images/sock-1.jpg",
        video_id="v10033g50000cq1",
    )


@pytest.fixture
def catalog(product):
    """The platform's product catalogue knows the sock's price, so the market values purchases at it."""
    return SandboxCatalogItem.objects.create(url=product.url, price_minor=product.price_minor)


@pytest.fixture
def connections(store):
    return {p: connect_store(store, p, ad_account_id=account) for p, account in AD_ACCOUNTS.items()}


def age_sandbox_campaign(platform: str, external_id: str, *, days: int) -> None:
    """Move a sandbox campaign (and its delivery history) ``days`` into the past, as if it had run that long."""
    campaign = SandboxAdObject.objects.get(platform=platform, external_id=external_id)
    shift = dt.timedelta(days=days)
    for obj in [campaign, *SandboxAdObject.objects.filter(campaign=campaign)]:
        SandboxAdObject.objects.filter(pk=obj.pk).update(created_at=obj.created_at - shift)
    for row in SandboxAdHistory.objects.filter(campaign=campaign):
        SandboxAdHistory.objects.filter(pk=row.pk).update(at=row.at - shift)
