"""The hub's Shopify client over real HTTP against the sandbox shop on the live server: the app install and token
renewal, the shop, the catalogue and orders page by page, the bulk backfill, the webhook registration; and a store
connected through the hub whose new orders arrive by signed webhook."""

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db.models import F
from django.test import Client

from growthhub.celery import app as celery_app
from platforms.shopify.oauth import ShopifyOAuth
from platforms.shopify.store import WEBHOOK_TOPICS, ShopifyStore
from sandbox.models import (
    ShopifyBulkOperation,
    ShopifyOrder,
    ShopifyProduct,
    ShopifyShop,
    ShopifyVariant,
    ShopifyWebhookDelivery,
    ShopifyWebhookSubscription,
)
from sandbox.services import sandbox_bootstrap
from sandbox.shopify.seed import sandbox_shopify_order_arrive, sandbox_shopify_seed
from sandbox.shopify.services import LineSpec, sandbox_shopify_order_place
from stores.connections.services.store_consent import shopify_connection_begin, shopify_connection_complete
from stores.models import BackfillState, ConnectionStatus, Order, Role
from tests.factories import MembershipFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DOMAIN = "roundtrip-demo.myshopify.com"
REDIRECT = "https://hub.example/stores/connections/shopify/callback"


@pytest.fixture
def eager():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def shop(sandbox_url):
    # a history of twelve products and about ten days of orders, one product of 30 variants, one order of 12 lines
    sandbox_bootstrap()
    now = dt.datetime.now(dt.UTC)
    sandbox_shopify_seed(domain=DOMAIN, products=12, days=10, orders_per_day=3, seed=7, now=now)
    wide = ShopifyProduct.objects.filter(shop__domain=DOMAIN).order_by("pk").first()
    for size in range(30):
        ShopifyVariant.objects.create(
            product=wide, title=f"Size {size}", sku=f"W-{size}", position=10 + size, price_minor=2500
        )
    variants = ShopifyVariant.objects.filter(product=wide).order_by("pk")[:12]
    sandbox_shopify_order_place(
        shop=wide.shop, email="big@basket.example", lines=[LineSpec(variant_id=v.pk) for v in variants]
    )
    return wide.shop


def _install(oauth: ShopifyOAuth) -> dict[str, str]:
    """The merchant presses Install on the sandbox's consent page (the browser's part, in-process)."""
    url = oauth.authorization_url(shop=DOMAIN, redirect_uri=REDIRECT, state="s-1")
    path = urlsplit(url).path.split("/sandbox", 1)[1]
    response = Client().post("/sandbox" + path, {**dict(parse_qsl(urlsplit(url).query)), "decision": "allow"})
    assert response.status_code == 302
    return dict(parse_qsl(urlsplit(response["Location"]).query))


def test_install_read_page_backfill_and_subscribe(shop, eager):
    # given the app installed through the consent page and its code exchanged over HTTP
    oauth = ShopifyOAuth()
    callback = _install(oauth)
    assert oauth.callback_valid(callback)
    token = oauth.exchange_code(shop=DOMAIN, code=callback["code"])
    assert token.expires_in and token.refresh_token
    renewed = oauth.refresh(shop=DOMAIN, refresh_token=token.refresh_token)
    assert renewed.access_token != token.access_token
    assert oauth.fetch_account(shop=DOMAIN, access_token=renewed.access_token).id == DOMAIN
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        """The client's wait for the cost bucket, passed on the sandbox's clock instead of the test's."""
        waits.append(seconds)
        ShopifyShop.objects.filter(pk=shop.pk).update(
            cost_checked_at=F("cost_checked_at") - dt.timedelta(seconds=seconds)
        )

    client = ShopifyStore(access_token=renewed.access_token, account_id=DOMAIN, sleep=sleep)

    # when the hub reads the shop, every product and every order page by page
    record = client.shop()
    products = list(client.products())
    orders = list(client.orders())

    # then each is the sandbox's, the nested connections completed past their first slice
    assert (record.currency, record.timezone) == ("USD", "America/New_York")
    assert len(products) == ShopifyProduct.objects.filter(shop=shop).count() == 12
    assert max(len(p.variants) for p in products) == 31
    assert len(orders) == ShopifyOrder.objects.filter(shop=shop).count()
    assert len({o.external_id for o in orders}) == len(orders)
    assert max(len(o.lines) for o in orders) == 12
    big = next(o for o in orders if len(o.lines) == 12)
    assert big.total_minor == ShopifyOrder.objects.get(pk=int(big.external_id.rsplit("/", 1)[1])).total_minor

    # and only the orders changed since a moment are read incrementally
    latest = ShopifyOrder.objects.filter(shop=shop).order_by("-updated_at").first()
    changed = list(client.orders(updated_since=latest.updated_at - dt.timedelta(seconds=1)))
    assert latest.pk in {int(o.external_id.rsplit("/", 1)[1]) for o in changed}
    assert len(changed) < len(orders)

    # when the bulk backfill is started, polled and read
    started = client.backfill_start()
    status = client.backfill_status(started.operation_id)
    backfilled = list(client.backfill_orders(status))

    # then it finished with every order and every line under its order
    assert status.status == "COMPLETED" and status.url
    assert {o.external_id for o in backfilled} == {o.external_id for o in orders}
    assert sum(len(o.lines) for o in backfilled) == sum(len(o.lines) for o in orders)

    # when the webhooks are registered, twice
    first = client.webhooks_register(address="https://hub.example/webhooks/shopify/1")
    second = client.webhooks_register(address="https://hub.example/webhooks/shopify/1")

    # then one subscription per topic exists and the second registration found the same ones
    assert len(first) == len(WEBHOOK_TOPICS) and first == second
    assert ShopifyWebhookSubscription.objects.filter(shop=shop).count() == len(WEBHOOK_TOPICS)


def test_a_drained_bucket_is_waited_out_by_the_client_and_the_query_sent_again(shop):
    # given an installed app and a shop whose cost bucket was just emptied
    oauth = ShopifyOAuth()
    token = oauth.exchange_code(shop=DOMAIN, code=_install(oauth)["code"])
    ShopifyShop.objects.filter(pk=shop.pk).update(cost_available=0.0, cost_checked_at=dt.datetime.now(dt.UTC))
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        ShopifyShop.objects.filter(pk=shop.pk).update(
            cost_checked_at=F("cost_checked_at") - dt.timedelta(seconds=seconds)
        )

    client = ShopifyStore(access_token=token.access_token, account_id=DOMAIN, sleep=sleep)

    # when the hub reads a page of products
    products = list(client.products())

    # then the THROTTLED answer made it wait for the bucket to restore, and the retry succeeded
    assert waits and waits[0] > 0
    assert len(products) == 12


def test_a_store_connects_to_the_sandbox_shop_and_its_first_sync_subscribes_and_backfills(
    shop, eager, live_server, settings
):
    # given a merchant who typed the sandbox shop's address, on a hub the sandbox can reach
    settings.SITE_URL = live_server.url
    user = UserFactory()
    store = StoreFactory(currency="EUR", timezone="UTC")
    MembershipFactory(store=store, user=user, role=Role.OWNER)
    url = shopify_connection_begin(store=store, user=user, shop=DOMAIN, redirect_uri=REDIRECT)

    # when they press Install on the sandbox's page and the signed callback comes back to the hub
    path = urlsplit(url).path.split("/sandbox", 1)[1]
    answer = Client().post("/sandbox" + path, {**dict(parse_qsl(urlsplit(url).query)), "decision": "allow"})
    params = dict(parse_qsl(urlsplit(answer["Location"]).query))
    connection = shopify_connection_complete(user=user, params=params)

    # then the store holds an expiring grant for the shop, speaks its currency, and its first sync registered the
    # hub's webhooks and ran the bulk backfill at the sandbox
    connection.refresh_from_db()
    store.refresh_from_db()
    assert (connection.external_account_id, connection.status) == (DOMAIN, ConnectionStatus.ACTIVE)
    assert connection.refresh_token and connection.access_token_expires_at
    assert (store.currency, store.timezone) == ("USD", "America/New_York")
    assert ShopifyWebhookSubscription.objects.filter(shop=shop).count() == len(WEBHOOK_TOPICS)
    assert ShopifyBulkOperation.objects.filter(shop=shop, status="COMPLETED").exists()
    # and every order of the shop is now the store's, with its total
    assert Order.objects.filter(store=store).count() == ShopifyOrder.objects.filter(shop=shop).count()
    assert connection.store_sync.backfill_status == BackfillState.DONE

    # when a new order arrives at the shop
    arrived = sandbox_shopify_order_arrive(domain=DOMAIN)

    # then its signed orders/create delivery reached the hub's webhook endpoint, which took the order in
    delivery = ShopifyWebhookDelivery.objects.get(topic="orders/create", body__contains=f'"id":{arrived.pk},')
    assert delivery.response_status == 200 and delivery.delivered_at is not None
    assert Order.objects.filter(store=store, external_id=f"gid://shopify/Order/{arrived.pk}").exists()
