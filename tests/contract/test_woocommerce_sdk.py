"""The official WooCommerce Python library (``woocommerce`` 3.0.0) and Growth Hub's WooCommerce client against the
same sandbox store over real HTTP: what the library reads or writes is what our client reads back.

The library signs OAuth 1.0a over ``http://`` and has no paging helper (wc-api-python#89), so the tests page it by
hand with ``X-WP-TotalPages``, as any integration built on it must."""

import datetime as dt

import pytest
from woocommerce import API

from platforms.errors import AuthExpired
from platforms.woocommerce import mapping
from platforms.woocommerce.store import WEBHOOK_TOPICS, WooCommerceStore, connection_mark
from platforms.woocommerce.webhooks import topic_secret
from sandbox.models import WooOrder, WooSite, WooWebhook
from sandbox.woocommerce.auth import api_key_create
from sandbox.woocommerce.seed import sandbox_woo_seed
from sandbox.woocommerce.services import sandbox_woo_site_ensure

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
HOOKS = "https://hub.example.com/webhooks/woocommerce/"


@pytest.fixture
def store_url(sandbox_url):
    sandbox_woo_site_ensure(
        handle="northwind", name="Northwind Outfitters", currency="JPY", timezone_string="Asia/Tokyo"
    )
    sandbox_woo_seed(handle="northwind", products=8, days=3, orders_per_day=12, seed=21, now=NOW)
    return f"{sandbox_url}/woocommerce/northwind"


@pytest.fixture
def keys(store_url):
    _, consumer_key, consumer_secret = api_key_create(
        site=WooSite.objects.get(handle="northwind"), description="hub", permissions="read_write"
    )
    return consumer_key, consumer_secret


@pytest.fixture
def wcapi(store_url, keys):
    return API(url=store_url, consumer_key=keys[0], consumer_secret=keys[1], version="wc/v3", timeout=15)


@pytest.fixture
def ours(store_url, keys):
    return WooCommerceStore(access_token=f"{keys[0]}:{keys[1]}", account_id=store_url)


def sdk_all(wcapi, endpoint: str, **params) -> list[dict]:
    """Every object of a list through the library, page by page."""
    found, page = [], 1
    while True:
        response = wcapi.get(endpoint, params={**params, "per_page": 20, "page": page})
        assert response.status_code == 200, response.text
        found.extend(response.json())
        if page >= int(response.headers["X-WP-TotalPages"]):
            return found
        page += 1


def test_orders_the_library_lists_are_the_orders_our_client_reads(wcapi, ours):
    # when both list every order
    through_sdk = sdk_all(wcapi, "orders", orderby="id", order="asc")
    through_ours = {record.external_id: record for record in ours.orders()}
    # then they are the same orders, and each reads into the same record
    assert sorted(through_ours) == sorted(str(o["id"]) for o in through_sdk)
    assert len(through_sdk) == WooOrder.objects.filter(site__handle="northwind").count()
    for body in through_sdk:
        refunds = sdk_all(wcapi, f"orders/{body['id']}/refunds") if body["refunds"] else None
        assert mapping.order_record(body, refunds=refunds) == through_ours[str(body["id"])]


def test_a_yen_order_is_read_in_whole_yen(wcapi, ours):
    # given an order as the library sees it (JPY has no minor unit)
    body = wcapi.get("orders", params={"per_page": 1}).json()[0]
    # then our client's total is the decimal string's yen exactly
    assert ours.order(str(body["id"])).total_minor == int(body["total"])


def test_products_the_library_lists_read_like_our_clients(wcapi, ours):
    # when both read the catalogue
    ours_by_id = {record.external_id: record for record in ours.products()}
    for body in sdk_all(wcapi, "products"):
        variations = sdk_all(wcapi, f"products/{body['id']}/variations") if body["type"] == "variable" else []
        # then each product, with its variations, reads into the same record
        assert mapping.product_record(body, "JPY", variations=variations) == ours_by_id[str(body["id"])]


def test_a_refund_the_library_creates_reads_back_in_our_client(wcapi, ours):
    # given a paid order with no refund yet
    order = next(o for o in sdk_all(wcapi, "orders", status="processing") if not o["refunds"] and int(o["total"]) > 1)
    half = int(order["total"]) // 2
    # when the library refunds half of it
    created = wcapi.post(f"orders/{order['id']}/refunds", {"amount": str(half), "reason": "Damaged box"})
    assert created.status_code == 201, created.text
    # then our client reads that refund on the order, with its own id, time and amount
    record = ours.order(str(order["id"]))
    refund = next(r for r in record.refunds if r.external_id == str(created.json()["id"]))
    assert (refund.amount_minor, refund.reason) == (half, "Damaged box")
    assert refund.created_at == mapping.parse_time(created.json()["date_created_gmt"], field="refund time")
    assert record.refunded_minor == half and record.financial_status == "partially_refunded"


def test_modified_after_gives_both_the_same_orders(wcapi, ours):
    # given a watermark inside the seeded history
    watermark = NOW - dt.timedelta(days=1)
    # when both ask for what changed since (our client asks one second early)
    sdk = sdk_all(
        wcapi,
        "orders",
        modified_after=(watermark - dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S"),
        dates_are_gmt="true",
    )
    ours_ids = [record.external_id for record in ours.orders(updated_since=watermark)]
    # then they name the same orders, a strict subset of the history
    assert sorted(ours_ids) == sorted(str(o["id"]) for o in sdk)
    assert 0 < len(ours_ids) < WooOrder.objects.filter(site__handle="northwind").count()


def test_webhooks_our_client_makes_are_listed_by_the_library_and_not_made_twice(wcapi, ours, live_server):
    # given the hub's webhooks made by our client
    ids = ours.webhooks_register(address=HOOKS, secret="s3cret-of-the-connection")
    # when the library lists the store's webhooks
    listed = [hook for hook in sdk_all(wcapi, "webhooks") if str(hook["id"]) in ids]
    # then each topic is there once, to the hub, named with the connection's mark
    assert sorted(hook["topic"] for hook in listed) == sorted(WEBHOOK_TOPICS)
    mark = connection_mark("s3cret-of-the-connection")
    assert all(hook["delivery_url"] == HOOKS and hook["name"].endswith(f"[{mark}]") for hook in listed)
    # and a webhook the library made the same way counts as the connection's own: registering again adds nothing
    wcapi.delete(f"webhooks/{ids[0]}", params={"force": True})
    topic = WooWebhook.objects.filter(pk__in=ids[1:]).values_list("topic", flat=True)
    missing = next(t for t in WEBHOOK_TOPICS if t not in set(topic))
    made = wcapi.post(
        "webhooks",
        {
            "name": f"Growth Hub {missing} [{mark}]",
            "topic": missing,
            "delivery_url": HOOKS,
            "secret": topic_secret(secret="s3cret-of-the-connection", topic=missing),
        },
    )
    assert made.status_code == 201, made.text
    again = ours.webhooks_register(address=HOOKS, secret="s3cret-of-the-connection")
    assert str(made.json()["id"]) in again and WooWebhook.objects.count() == len(WEBHOOK_TOPICS)


def test_a_key_both_are_refused_with_reads_as_auth_expired(store_url, keys):
    # given a key whose secret is wrong
    wrong = "cs_" + "0" * 40
    refused = API(url=store_url, consumer_key=keys[0], consumer_secret=wrong, version="wc/v3").get("orders")
    # then the library sees WooCommerce's 401 and our client the same refusal as AuthExpired
    assert refused.status_code == 401
    with pytest.raises(AuthExpired) as caught:
        list(WooCommerceStore(access_token=f"{keys[0]}:{wrong}", account_id=store_url).orders())
    assert "Consumer secret is invalid." in caught.value.message
