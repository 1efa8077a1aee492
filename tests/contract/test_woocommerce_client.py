"""The official WooCommerce Python client (``woocommerce`` 3.0.0) against the sandbox WooCommerce over real HTTP.

Over ``http://`` the client signs every request with OAuth 1.0a (HMAC-SHA256) in the query and then appends its
parameters a second time; the sandbox must accept exactly that, and refuse a signature that does not match."""

import datetime as dt
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
import responses
from woocommerce import API
from woocommerce.oauth import OAuth

from sandbox.models import WooSite, WooWebhook, WooWebhookDelivery
from sandbox.woocommerce.auth import api_key_create
from sandbox.woocommerce.seed import sandbox_woo_seed
from sandbox.woocommerce.services import sandbox_woo_site_ensure

pytestmark = pytest.mark.django_db(transaction=True)

HOOKS = "https://hub.example.com/webhooks/woocommerce/7"
NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def store_url(sandbox_url):
    sandbox_woo_site_ensure(handle="northwind", name="Northwind Outfitters")
    sandbox_woo_seed(handle="northwind", products=12, days=3, orders_per_day=3, seed=4, now=NOW)
    return f"{sandbox_url}/woocommerce/northwind"


@pytest.fixture
def credentials(store_url):
    _, consumer_key, consumer_secret = api_key_create(
        site=WooSite.objects.get(handle="northwind"), description="hub", permissions="read_write"
    )
    return consumer_key, consumer_secret


@pytest.fixture
def wcapi(store_url, credentials):
    consumer_key, consumer_secret = credentials
    return API(url=store_url, consumer_key=consumer_key, consumer_secret=consumer_secret, version="wc/v3", timeout=10)


def test_the_client_lists_products_page_by_page(wcapi):
    # when the client asks for the second page of five products (OAuth-signed, parameters sent twice)
    response = wcapi.get("products", params={"per_page": 5, "page": 2})
    # then the sandbox accepts the signature and pages like WordPress
    assert response.status_code == 200, response.text
    assert len(response.json()) == 5
    assert (response.headers["X-WP-Total"], response.headers["X-WP-TotalPages"]) == ("12", "3")
    # and the query really carried per_page twice and an HMAC-SHA256 signature
    query = parse_qsl(urlsplit(response.request.url).query)
    assert [value for name, value in query if name == "per_page"] == ["5", "5"]
    assert ("oauth_signature_method", "HMAC-SHA256") in query


def test_the_client_reads_an_order_and_filters_by_date(wcapi):
    # given the newest order of the seeded history
    newest = wcapi.get("orders", params={"per_page": 1}).json()[0]
    # when the client reads it, and lists orders created after a time with a colon-laden ISO date
    order = wcapi.get(f"orders/{newest['id']}")
    later = wcapi.get("orders", params={"after": "2026-11-19T00:00:00", "per_page": 100})
    # then both are served
    assert order.status_code == 200, order.text
    assert order.json()["id"] == newest["id"] and order.json()["currency"] == "USD"
    assert later.status_code == 200, later.text
    assert all(o["date_created_gmt"] > "2026-11-19T04:59:59" for o in later.json())


def test_a_signed_value_with_a_slash_is_accepted(wcapi):
    # when a filter value holds "/" (which the client leaves unencoded in the base string, and PHP would encode)
    response = wcapi.get("products", params={"sku": "NW-0001/blue", "per_page": 3})
    # then the signature is still accepted
    assert response.status_code == 200, response.text
    assert response.json() == []


def test_the_client_creates_a_webhook_and_the_receiver_is_pinged(wcapi, live_server):
    # given a receiver (the client's own calls still reach the live server)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as receiver:
        receiver.add_passthru(live_server.url)
        ping = receiver.post(HOOKS, status=200)
        # when the client creates a webhook
        response = wcapi.post(
            "webhooks", {"name": "Hub orders", "topic": "order.created", "delivery_url": HOOKS, "secret": "s3cret"}
        )
    # then it exists, and the receiver got the ping
    assert response.status_code == 201, response.text
    webhook = WooWebhook.objects.get(pk=response.json()["id"])
    assert (webhook.topic, webhook.secret) == ("order.created", "s3cret")
    assert ping.calls[0].request.body == f"webhook_id={webhook.pk}".encode()
    assert WooWebhookDelivery.objects.get(webhook=webhook).succeeded is True


def test_a_tampered_signature_and_a_wrong_secret_are_refused(store_url, credentials):
    # given a URL the client signed for page 1
    consumer_key, consumer_secret = credentials
    endpoint = f"{store_url}/wp-json/wc/v3/orders"
    signed = OAuth(
        url=f"{endpoint}?{urlencode({'page': 1})}",
        consumer_key=consumer_key,
        consumer_secret=consumer_secret,
        version="wc/v3",
        method="GET",
    ).get_oauth_url()
    # when the page is changed after signing, or the signature is made with another secret
    tampered = requests.get(signed.replace("page=1", "page=2"), timeout=10)
    wrong = API(url=store_url, consumer_key=consumer_key, consumer_secret="cs_" + "0" * 40, version="wc/v3").get(
        "orders"
    )
    # then both are WooCommerce's authentication error, while the untouched URL is served (once: nonces are single use)
    for refused in (tampered, wrong):
        assert refused.status_code == 401
        assert refused.json() == {
            "code": "woocommerce_rest_authentication_error",
            "message": "Invalid signature - provided signature does not match.",
            "data": {"status": 401},
        }
    assert requests.get(signed, timeout=10).status_code == 200
    replayed = requests.get(signed, timeout=10)
    assert replayed.status_code == 401
    assert replayed.json()["message"] == "Invalid nonce - nonce has already been used."
