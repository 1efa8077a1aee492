"""The WooCommerce store client against the sandbox WooCommerce over real HTTP (the live server on 127.0.0.1).

The sandbox keeps its own tables, authenticates the key pair, pages like WordPress and can be told to fail; the
client is the one the hub uses, guarded session and all."""

import datetime as dt
import socket

import pytest

from platforms.errors import AuthExpired, RateLimited, Rejected, Transient
from platforms.registry import store_platform
from platforms.store_records import ORDER_PAID, ORDER_PARTIALLY_REFUNDED, ORDER_REFUNDED
from platforms.woocommerce.store import WEBHOOK_TOPICS, WooCommerceStore
from platforms.woocommerce.webhooks import topic_secret
from sandbox.models import SandboxFault, WooOrder, WooProduct, WooSite, WooWebhook
from sandbox.woocommerce.auth import api_key_create
from sandbox.woocommerce.seed import sandbox_woo_seed
from sandbox.woocommerce.services import (
    OrderLineSpec,
    sandbox_woo_order_place,
    sandbox_woo_order_refund,
    sandbox_woo_site_ensure,
)
from sandbox.woocommerce.webhooks import webhook_signature
from tests.platforms.local_http import guard_connects

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
HOOKS = "https://hub.example.com/webhooks/woocommerce/"


@pytest.fixture
def site_url(sandbox_url):
    sandbox_woo_site_ensure(
        handle="northwind", name="Northwind Outfitters", currency="EUR", timezone_string="Europe/Berlin"
    )
    sandbox_woo_seed(handle="northwind", products=7, days=3, orders_per_day=40, seed=11, now=NOW)
    return f"{sandbox_url}/woocommerce/northwind"


@pytest.fixture
def token(site_url):
    _, key, secret = api_key_create(
        site=WooSite.objects.get(handle="northwind"), description="hub", permissions="read_write"
    )
    return f"{key}:{secret}"


@pytest.fixture
def client(site_url, token):
    return WooCommerceStore(access_token=token, account_id=site_url)


def test_the_descriptor_builds_the_client_for_a_site(site_url, client):
    # when the registry's descriptor builds a client from a connection's account and token
    built = store_platform("woocommerce").client(access_token="ck_a1b2c3d4:cs_e5f6a7b8", account_id=site_url + "/")
    # then it is a WooCommerce client for the site, and its repr shows no key
    assert isinstance(built, WooCommerceStore)
    assert built.site_url == site_url
    assert "ck_" not in repr(built) and "cs_" not in repr(built)


def test_the_shop_has_the_sites_name_currency_and_zone(site_url, client):
    # when the client reads the shop
    shop = client.shop()
    # then the name comes from WordPress's index and the currency and zone from the store's settings
    assert (shop.name, shop.currency, shop.timezone, shop.domain) == (
        "Northwind Outfitters",
        "EUR",
        "Europe/Berlin",
        site_url,
    )


def test_products_come_with_their_variations_prices_stock_and_cost(client):
    # when every product is read
    products = list(client.products())
    # then each product of the sandbox is there once, with its variants
    stored = WooProduct.objects.filter(site__handle="northwind", parent__isnull=True)
    assert sorted(p.external_id for p in products) == sorted(str(p.pk) for p in stored)
    for record in products:
        source = stored.get(pk=int(record.external_id))
        if source.type == "variable":
            variations = source.variations.all()
            assert sorted(v.external_id for v in record.variants) == sorted(str(v.pk) for v in variations)
            variant = next(v for v in record.variants if v.external_id == str(variations[0].pk))
            expected = variations[0]
        else:
            assert [v.external_id for v in record.variants] == [record.external_id]
            variant, expected = record.variants[0], source
        price = expected.sale_price_minor if expected.sale_price_minor is not None else expected.regular_price_minor
        assert variant.price_minor == price
        assert variant.unit_cost_minor == expected.cost_minor
        assert variant.inventory_quantity == (expected.stock_quantity if expected.manage_stock else None)
        assert record.currency == "EUR" and record.updated_at.tzinfo is dt.UTC


def test_orders_are_paged_past_one_hundred_and_read_exactly(client):
    # given more orders than one page holds
    total = WooOrder.objects.filter(site__handle="northwind").count()
    assert total > 100
    # when every order is read
    orders = list(client.orders())
    # then each comes once, with its total, lines and discount codes as the store has them
    assert len(orders) == total == len({o.external_id for o in orders})
    source = WooOrder.objects.filter(site__handle="northwind").prefetch_related("lines").order_by("pk").first()
    record = next(o for o in orders if o.external_id == str(source.pk))
    assert record.total_minor == source.total_minor
    assert record.currency == "EUR"
    assert sorted((line.external_id, line.quantity) for line in record.lines) == sorted(
        (str(line.pk), line.quantity) for line in source.lines.all()
    )
    assert record.discount_codes == tuple(c["code"] for c in source.coupon_lines)


def test_an_order_carries_its_visitor_utm_and_refunds(site_url, client):
    # given an order placed with attribution and a visitor id, then partly refunded
    product = WooProduct.objects.filter(site__handle="northwind", type="simple", regular_price_minor__gt=0).first()
    placed = sandbox_woo_order_place(
        handle="northwind",
        lines=[OrderLineSpec(product_id=product.pk, quantity=2)],
        email="ana@example.com",
        coupon_code="WELCOME",
        discount_minor=100,
        attribution={"utm_source": "tiktok", "utm_medium": "social", "source_type": "utm"},
        visitor_id="v-0123456789abcdef",
    )
    sandbox_woo_order_refund(handle="northwind", order_id=placed.pk, amount_minor=150, reason="Scratched")
    # when the client reads that one order
    order = client.order(str(placed.pk))
    # then the journey, the code and the refund with its own time are on the record
    assert order.attributes["_gh_visitor"] == "v-0123456789abcdef"
    assert dict(order.utm) == {"source": "tiktok", "medium": "social"}
    assert order.discount_codes == ("WELCOME",)
    assert order.discount_minor == 100
    assert order.total_minor == 2 * product.regular_price_minor - 100
    assert [(r.amount_minor, r.reason) for r in order.refunds] == [(150, "Scratched")]
    assert order.refunded_minor == 150 and order.financial_status == ORDER_PARTIALLY_REFUNDED
    assert order.lines[0].unit_price_minor == product.regular_price_minor
    # and a full refund of the rest makes it refunded
    sandbox_woo_order_refund(handle="northwind", order_id=placed.pk)
    assert client.order(str(placed.pk)).financial_status == ORDER_REFUNDED


def test_an_unknown_order_is_none(client):
    assert client.order("999999") is None
    assert client.order("not-a-number") is None


def test_only_orders_modified_after_the_watermark_are_asked_for(client):
    # given a watermark after every seeded order, and one order placed later
    watermark = max(o.updated_at for o in client.orders())
    product = WooProduct.objects.filter(site__handle="northwind", type="simple").first()
    later = sandbox_woo_order_place(
        handle="northwind",
        lines=[OrderLineSpec(product_id=product.pk)],
        email="late@example.com",
        now=watermark + dt.timedelta(minutes=5),
    )
    # when the client reads what changed since the watermark
    changed = list(client.orders(updated_since=watermark))
    # then the newer order is there and none of the older ones except those of the watermark's own second
    assert str(later.pk) in {o.external_id for o in changed}
    assert all(o.updated_at >= watermark - dt.timedelta(seconds=1) for o in changed)
    assert changed[-1].financial_status == ORDER_PAID


def test_the_backfill_is_finished_at_once_and_pages_every_order(client):
    # when the history is started and read
    status = client.backfill_start()
    history = list(client.backfill_orders(status))
    # then it needs no polling and holds every order, oldest first
    assert status.finished and status.status == "COMPLETED"
    assert client.backfill_status(status.operation_id).finished
    ids = [int(o.external_id) for o in history]
    assert ids == sorted(WooOrder.objects.filter(site__handle="northwind").values_list("pk", flat=True))


def test_webhooks_are_made_once_each_with_its_own_secret_and_deleted(client, live_server):
    # when the webhooks are registered twice (a retried start)
    first = client.webhooks_register(address=HOOKS, secret="connection-secret")
    again = client.webhooks_register(address=HOOKS, secret="connection-secret")
    # then one webhook per topic exists, each signed with its topic's own secret
    hooks = WooWebhook.objects.filter(site__handle="northwind")
    assert first == again and len(first) == len(WEBHOOK_TOPICS) == hooks.count()
    for hook in hooks:
        assert hook.secret == topic_secret(secret="connection-secret", topic=hook.topic)
        assert hook.delivery_url == HOOKS
    assert len({hook.secret for hook in hooks}) == len(WEBHOOK_TOPICS)
    # and another connection's webhooks on the same site are left alone when this one deletes its own
    client.webhooks_register(address=HOOKS, secret="other-connection")
    assert client.webhooks_delete(address=HOOKS, secret="connection-secret") == len(WEBHOOK_TOPICS)
    assert WooWebhook.objects.filter(site__handle="northwind").count() == len(WEBHOOK_TOPICS)
    assert webhook_signature(body=b"{}", secret=hooks.first().secret)


def test_webhooks_need_a_secret(client):
    with pytest.raises(Rejected):
        client.webhooks_register(address=HOOKS, secret="")
    assert not WooWebhook.objects.exists()


def test_a_wrong_secret_is_auth_expired_and_says_nothing_of_the_keys(site_url):
    # given a key pair the store does not know
    _, key, _ = api_key_create(site=WooSite.objects.get(handle="northwind"), description="hub", permissions="read")
    client = WooCommerceStore(access_token=f"{key}:cs_wrong0000000000", account_id=site_url)
    # when the client reads the shop
    with pytest.raises(AuthExpired) as caught:
        client.shop()
    # then WooCommerce's words are kept and the keys are not
    assert "Consumer secret is invalid." in caught.value.message
    assert key not in str(caught.value) and "cs_wrong" not in str(caught.value)


@pytest.mark.parametrize(
    ("fault", "error"),
    [({"error_rate": 1.0}, Transient), ({"rate_limit_rate": 1.0, "retry_after_seconds": 7}, RateLimited)],
    ids=["a 5xx is transient", "a 429 is rate limited with its retry-after"],
)
def test_store_failures_map_into_the_hierarchy(client, fault, error):
    # given a store that fails every call
    SandboxFault.objects.create(platform="woocommerce", **fault)
    # when the client reads
    with pytest.raises(error) as caught:
        list(client.products())
    # then the failure is of the right kind
    if error is RateLimited:
        assert caught.value.retry_after == 7


def test_a_site_that_is_not_woocommerce_is_rejected(sandbox_url):
    # given an address under the sandbox that serves no WooCommerce site
    client = WooCommerceStore(access_token="ck_a1b2c3d4:cs_e5f6a7b8", account_id=f"{sandbox_url}/woocommerce/nowhere")
    # when the client reads the shop, then the store's own "no route" refusal is Rejected, not retried
    with pytest.raises(Rejected):
        client.shop()


def test_a_live_store_whose_name_resolves_to_a_private_address_is_never_contacted(settings, monkeypatch):
    # given live mode, and a store's name that resolves to the loopback address
    settings.PLATFORM_MODE = "live"
    settings.GUARDED_FETCH_ALLOWED_HOSTS = []
    guard = guard_connects(monkeypatch)
    real_getaddrinfo = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host == "shop.example.com":
            return real_getaddrinfo("127.0.0.1", *args, **kwargs)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    client = WooCommerceStore(access_token="ck_a1b2c3d4:cs_e5f6a7b8", account_id="https://shop.example.com")
    # when the client reads the shop, then the guarded session refuses it before any connection
    with pytest.raises(Rejected) as caught:
        client.shop()
    assert "private address" in caught.value.message
    assert guard.attempts == []


def test_a_webhook_the_store_disabled_is_replaced(client):
    # given the hub's webhooks, one of which the store disabled after failed deliveries
    first = client.webhooks_register(address=HOOKS, secret="connection-secret")
    WooWebhook.objects.filter(pk=int(first[0])).update(status="disabled")
    # when they are registered again
    again = client.webhooks_register(address=HOOKS, secret="connection-secret")
    # then the disabled one is gone and an active one of its topic took its place
    assert first[0] not in again and first[1:] == again[1:]
    assert WooWebhook.objects.filter(status="active").count() == len(WEBHOOK_TOPICS) == WooWebhook.objects.count()


def test_a_pass_reads_only_what_changed_before_it_started(site_url, token):
    # given a pass that starts a day before the end of the seeded history
    started = NOW - dt.timedelta(days=1)
    early = WooCommerceStore(access_token=token, account_id=site_url, now=lambda: started)
    # when it reads the orders
    orders = list(early.orders())
    # then only those changed before it started are in it (the rest is the next pass's)
    expected = WooOrder.objects.filter(
        site__handle="northwind", date_modified_gmt__lt=started + dt.timedelta(seconds=1)
    )
    assert sorted(o.external_id for o in orders) == sorted(str(pk) for pk in expected.values_list("pk", flat=True))
    assert 0 < len(orders) < WooOrder.objects.filter(site__handle="northwind").count()


def test_a_webhook_created_though_its_answer_was_lost_is_not_made_twice(client, monkeypatch):
    # given a connection whose answer to the third webhook creation is lost after the store made it
    real_call = client.rest.call
    creations: list[str] = []

    def losing_call(method, path, **kwargs):
        answer = real_call(method, path, **kwargs)
        if method == "POST":
            creations.append(path)
            if len(creations) == 3:
                raise Transient("The platform did not answer in time.", platform="woocommerce", ambiguous=True)
        return answer

    monkeypatch.setattr(client.rest, "call", losing_call)
    # when the hub registers, fails, and registers again (the task's retry)
    with pytest.raises(Transient):
        client.webhooks_register(address=HOOKS, secret="connection-secret")
    ids = client.webhooks_register(address=HOOKS, secret="connection-secret")
    # then the retry found the three made before and created only the rest
    assert len(creations) == len(WEBHOOK_TOPICS)
    assert len(ids) == len(WEBHOOK_TOPICS) == WooWebhook.objects.count()
    assert sorted(WooWebhook.objects.values_list("topic", flat=True)) == sorted(WEBHOOK_TOPICS)


def test_a_site_without_wordpress_index_is_named_by_its_address(site_url, client, monkeypatch):
    # given a site whose REST index is not served (WordPress can hide it)
    real_call = client.rest.call

    def no_index(method, path, **kwargs):
        if kwargs.get("site_root"):
            raise Rejected("No route was found matching the URL and request method.", status=404)
        return real_call(method, path, **kwargs)

    monkeypatch.setattr(client.rest, "call", no_index)
    # when the shop is read, then it is named by its address and takes the zone from the store's settings
    shop = client.shop()
    assert shop.name == site_url.split("://", 1)[1]
    assert (shop.currency, shop.timezone) == ("EUR", "Europe/Berlin")
