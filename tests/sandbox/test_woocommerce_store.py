"""The sandbox WooCommerce answers like a real store: the wc-auth key flow, REST v3 paging and filters, WooCommerce's
refusals (and that nothing changes when it refuses), and refunds. Driven over HTTP with Django's test client."""

import datetime as dt
import json
import re

import pytest
import responses
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sandbox.models import SandboxFault, WooApiKey, WooOrder, WooOrderStatus, WooProduct, WooRefund, WooWebhook
from sandbox.woocommerce.auth import api_key_create, consumer_key_hash
from sandbox.woocommerce.seed import sandbox_woo_seed
from sandbox.woocommerce.services import (
    OrderLineSpec,
    sandbox_woo_order_place,
    sandbox_woo_order_refund,
    sandbox_woo_site_ensure,
)
from tests.sandbox.woocommerce_helpers import HOME, NOW, REST, basic, socks

pytestmark = pytest.mark.django_db

CALLBACK = "https://hub.example.com/stores/woocommerce/keys"
RETURN = "https://hub.example.com/stores/woocommerce/connected"


@pytest.fixture
def site(db):
    return sandbox_woo_site_ensure(handle="northwind", name="Northwind Outfitters", timezone_string="America/New_York")


@pytest.fixture
def read_write(site):
    _, consumer_key, consumer_secret = api_key_create(site=site, description="hub", permissions="read_write")
    return basic(consumer_key, consumer_secret)


@pytest.fixture
def read_only(site):
    _, consumer_key, consumer_secret = api_key_create(site=site, description="reports", permissions="read")
    return basic(consumer_key, consumer_secret)


def authorize_params(**overrides: str) -> dict[str, str]:
    return {
        "app_name": "Growth Hub",
        "scope": "read_write",
        "user_id": "store-42",
        "return_url": RETURN,
        "callback_url": CALLBACK,
        **overrides,
    }


# --- the key flow ----------------------------------------------------------------------------------------------


def test_the_approval_page_names_the_app_and_the_access_it_asks_for(client, site):
    # when the merchant is sent to the authorize URL
    response = client.get(f"{HOME}/wc-auth/v1/authorize", authorize_params(scope="read"))
    # then the page asks to approve Growth Hub's read access, without inline script or style
    assert response.status_code == 200
    page = response.content.decode()
    assert "Growth Hub" in page and "View coupons, customers, orders, products and reports" in page
    assert "<script" not in page and "style=" not in page
    assert WooApiKey.objects.count() == 0


@responses.activate
def test_approving_posts_the_new_key_to_the_callback_and_returns_with_success(client, site):
    # given an app whose callback answers 200
    callback = responses.post(CALLBACK, status=200)
    # when the merchant approves
    response = client.post(f"{HOME}/wc-auth/v1/authorize", {**authorize_params(), "decision": "approve"})
    # then the key went to the callback as JSON and the browser returns with success=1 and the app's user id
    assert response.status_code == 302
    assert response["Location"] == f"{RETURN}?success=1&user_id=store-42"
    sent = json.loads(callback.calls[0].request.body)
    assert callback.calls[0].request.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert set(sent) == {"key_id", "user_id", "consumer_key", "consumer_secret", "key_permissions"}
    assert re.fullmatch(r"ck_[0-9a-f]{40}", sent["consumer_key"])
    assert re.fullmatch(r"cs_[0-9a-f]{40}", sent["consumer_secret"])
    assert (sent["user_id"], sent["key_permissions"]) == ("store-42", "read_write")
    # and the key works, and is stored only as its hash
    key = WooApiKey.objects.get(pk=sent["key_id"])
    assert key.consumer_key_hash == consumer_key_hash(sent["consumer_key"])
    assert sent["consumer_key"] not in json.dumps(list(WooApiKey.objects.values()), default=str)
    listed = client.get(f"{REST}/products", headers=basic(sent["consumer_key"], sent["consumer_secret"]))
    assert listed.status_code == 200


@responses.activate
@pytest.mark.parametrize("callback_status", [201, 302, 401, 500])
def test_a_callback_that_does_not_answer_exactly_200_loses_the_key(client, site, callback_status):
    # given a callback answering something other than 200
    callback = responses.post(CALLBACK, status=callback_status)
    # when the merchant approves
    response = client.post(f"{HOME}/wc-auth/v1/authorize", {**authorize_params(), "decision": "approve"})
    # then the key was offered once, is deleted again, and the merchant sees the error instead of a redirect
    assert len(callback.calls) == 1
    assert response.status_code == 401
    assert "unable to send the consumer data" in response.content.decode()
    assert WooApiKey.objects.count() == 0


@responses.activate
def test_denying_returns_with_success_0_and_creates_no_key(client, site):
    # given a callback that would accept
    callback = responses.post(CALLBACK, status=200)
    # when the merchant denies
    response = client.post(f"{HOME}/wc-auth/v1/authorize", {**authorize_params(), "decision": "deny"})
    # then the app hears success=0 and no key exists
    assert response["Location"] == f"{RETURN}?success=0&user_id=store-42"
    assert len(callback.calls) == 0
    assert WooApiKey.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"callback_url": "http://hub.example.com/keys"}, "The callback_url needs to be over SSL"),
        ({"scope": "admin"}, "Invalid scope admin"),
        ({"app_name": ""}, "Missing parameter app_name"),
    ],
    ids=["a plain-http callback off loopback", "an unknown scope", "no app name"],
)
def test_a_broken_key_request_gets_woocommerces_error_page(client, site, overrides, message):
    # when the request is broken
    response = client.post(f"{HOME}/wc-auth/v1/authorize", {**authorize_params(**overrides), "decision": "approve"})
    # then WooCommerce's message is shown and no key is made
    assert response.status_code == 400
    assert message in response.content.decode()
    assert WooApiKey.objects.count() == 0


@responses.activate
def test_a_loopback_callback_may_be_plain_http_in_the_sandbox(client, site):
    # given a hub on the developer's machine without TLS
    callback = responses.post("http://127.0.0.1:8000/stores/woocommerce/keys", status=200)
    params = authorize_params(callback_url="http://127.0.0.1:8000/stores/woocommerce/keys")
    # when the merchant approves
    response = client.post(f"{HOME}/wc-auth/v1/authorize", {**params, "decision": "approve"})
    # then the key is delivered
    assert response.status_code == 302 and len(callback.calls) == 1
    assert WooApiKey.objects.count() == 1


# --- paging and filters ----------------------------------------------------------------------------------------


def test_lists_page_with_wordpress_headers(client, site, read_write):
    # given twelve products
    sandbox_woo_seed(handle="northwind", products=12, days=2, orders_per_day=1, seed=3, now=NOW)
    # when the third page of five is asked for
    response = client.get(f"{REST}/products", {"per_page": 5, "page": 3}, headers=read_write)
    # then it holds the last two, and the headers count them all
    assert response.status_code == 200
    assert len(response.json()) == 2
    assert (response["X-WP-Total"], response["X-WP-TotalPages"]) == ("12", "3")
    # and the default page size is ten
    assert len(client.get(f"{REST}/products", headers=read_write).json()) == 10


@pytest.mark.parametrize("per_page", ["0", "101", "ten"])
def test_a_page_size_outside_1_to_100_is_refused(client, site, read_write, per_page):
    # when a list is asked with a bad per_page
    response = client.get(f"{REST}/orders", {"per_page": per_page}, headers=read_write)
    # then WordPress's invalid-parameter error answers
    assert response.status_code == 400
    assert response.json()["code"] == "rest_invalid_param"
    assert response.json()["data"] == {"status": 400}


def test_orders_filter_on_creation_and_modification_times_and_status(client, site, read_write):
    # given three orders a day apart, the oldest refunded a week later
    product = socks(site)
    placed = [
        sandbox_woo_order_place(
            handle="northwind",
            lines=[OrderLineSpec(product.pk)],
            email=f"a{n}@example.com",
            now=NOW + dt.timedelta(days=n),
        )
        for n in range(3)
    ]
    sandbox_woo_order_refund(handle="northwind", order_id=placed[0].pk, now=NOW + dt.timedelta(days=7))

    def ids(**params) -> list[int]:
        response = client.get(f"{REST}/orders", params, headers=read_write)
        assert response.status_code == 200, response.content
        return [order["id"] for order in response.json()]

    # then after/before select by creation (GMT when dates_are_gmt, else the site's time), newest first
    assert ids(after="2026-11-21T00:00:00Z") == [placed[2].pk, placed[1].pk]
    assert ids(before="2026-11-21T12:00:00", dates_are_gmt="true") == [placed[0].pk]
    # 2026-11-21T09:00 in New York is 14:00 UTC: before the order placed at 15:00 UTC that day
    assert ids(after="2026-11-21T09:00:00") == [placed[2].pk, placed[1].pk]
    assert ids(after="2026-11-21T11:00:00") == [placed[2].pk]
    # and modified_after finds the refunded one, status filters, orderby/order sort
    assert ids(modified_after="2026-11-25T00:00:00Z") == [placed[0].pk]
    assert ids(status="refunded") == [placed[0].pk]
    assert ids(status="processing", orderby="id", order="asc") == [placed[1].pk, placed[2].pk]


def test_an_order_reads_with_decimal_strings_and_its_attribution_meta(client, site, read_write):
    # given an order from an Instagram campaign, with a coupon and shipping
    product = socks(site, price_minor=1999)
    order = sandbox_woo_order_place(
        handle="northwind",
        lines=[OrderLineSpec(product.pk, quantity=2)],
        email="ava@example.com",
        coupon_code="WELCOME5",
        discount_minor=500,
        shipping_minor=495,
        attribution={"source_type": "utm", "utm_source": "instagram", "utm_medium": "social", "utm_campaign": "socks"},
        visitor_id="v-123",
        now=NOW,
    )
    # when it is read
    data = client.get(f"{REST}/orders/{order.pk}", headers=read_write).json()
    # then the money is WooCommerce's strings and the attribution rides in meta_data
    assert (data["total"], data["discount_total"], data["shipping_total"]) == ("39.93", "5.00", "4.95")
    assert data["date_created_gmt"] == "2026-11-20T15:00:00"
    assert data["date_created"] == "2026-11-20T10:00:00"
    assert data["coupon_lines"][0]["code"] == "WELCOME5" and data["coupon_lines"][0]["discount"] == "5.00"
    assert data["line_items"][0]["subtotal"] == "39.98" and data["line_items"][0]["total"] == "34.98"
    meta = {item["key"]: item["value"] for item in data["meta_data"]}
    assert meta["_wc_order_attribution_utm_source"] == "instagram"
    assert meta["_wc_order_attribution_utm_campaign"] == "socks"
    assert meta["_growthhub_visitor_id"] == "v-123"
    # and stock went down
    product.refresh_from_db()
    assert product.stock_quantity == 48


def test_a_variable_product_lists_its_variations_with_cost_of_goods(client, site, read_write):
    # given the seeded catalogue (every third product is variable, in three sizes)
    sandbox_woo_seed(handle="northwind", products=3, days=1, orders_per_day=0, seed=5, now=NOW)
    parent = WooProduct.objects.get(site=site, type="variable")
    # when its variations are listed
    response = client.get(f"{REST}/products/{parent.pk}/variations", headers=read_write)
    # then the three sizes come with prices as strings and cost as numbers
    variations = response.json()
    assert response["X-WP-Total"] == "3"
    assert sorted(v["attributes"][0]["option"] for v in variations) == ["L", "M", "S"]
    first = variations[0]
    assert isinstance(first["price"], str) and first["parent_id"] == parent.pk
    cost = first["cost_of_goods_sold"]
    assert isinstance(cost["total_value"], float) and cost["defined_value_is_additive"] is False
    product = client.get(f"{REST}/products/{parent.pk}", headers=read_write).json()
    assert sorted(product["variations"]) == sorted(v["id"] for v in variations)


# --- refusals --------------------------------------------------------------------------------------------------


def test_a_request_without_credentials_is_refused(client, site):
    # when no key is presented
    response = client.get(f"{REST}/orders")
    # then WooCommerce's anonymous refusal answers
    assert response.status_code == 401
    assert response.json() == {
        "code": "woocommerce_rest_cannot_view",
        "message": "Sorry, you cannot list resources.",
        "data": {"status": 401},
    }


def test_a_wrong_secret_an_unknown_key_and_another_sites_key_are_refused(client, site):
    # given a key of this site and one of another site
    _, consumer_key, consumer_secret = api_key_create(site=site, description="hub", permissions="read")
    other = sandbox_woo_site_ensure(handle="contoso")
    _, other_key, other_secret = api_key_create(site=other, description="hub", permissions="read")
    # when each is presented wrongly
    wrong_secret = client.get(f"{REST}/orders", headers=basic(consumer_key, "cs_" + "0" * 40))
    unknown = client.get(f"{REST}/orders", headers=basic("ck_" + "0" * 40, consumer_secret))
    elsewhere = client.get(f"{REST}/orders", headers=basic(other_key, other_secret))
    # then each is WooCommerce's authentication error
    assert wrong_secret.status_code == unknown.status_code == elsewhere.status_code == 401
    assert wrong_secret.json()["message"] == "Consumer secret is invalid."
    assert unknown.json()["message"] == elsewhere.json()["message"] == "Consumer key is invalid."
    assert {r.json()["code"] for r in (wrong_secret, unknown, elsewhere)} == {"woocommerce_rest_authentication_error"}


def test_query_string_credentials_are_accepted(client, site):
    # given a key
    _, consumer_key, consumer_secret = api_key_create(site=site, description="hub", permissions="read")
    # when it travels in the query
    response = client.get(f"{REST}/orders", {"consumer_key": consumer_key, "consumer_secret": consumer_secret})
    # then the request is served
    assert response.status_code == 200 and response.json() == []


@responses.activate
def test_a_read_only_key_cannot_write(client, site, read_only):
    # given a read-only key and a receiver
    receiver = responses.post("https://hub.example.com/hooks", status=200)
    # when it tries to create a webhook
    response = client.post(
        f"{REST}/webhooks",
        json.dumps({"topic": "order.created", "delivery_url": "https://hub.example.com/hooks", "secret": "s3cret"}),
        content_type="application/json",
        headers=read_only,
    )
    # then it is refused and nothing is created or pinged
    assert response.status_code == 401
    assert response.json()["message"] == "The API key provided does not have write permissions."
    assert WooWebhook.objects.count() == 0
    assert len(receiver.calls) == 0


def test_an_unknown_order_is_woocommerces_invalid_id(client, site, read_write):
    # when an order that does not exist is read
    response = client.get(f"{REST}/orders/999999", headers=read_write)
    # then the answer is 404 with WooCommerce's code
    assert response.status_code == 404
    assert response.json()["code"] == "woocommerce_rest_shop_order_invalid_id"


# --- refunds ---------------------------------------------------------------------------------------------------


def test_refunds_partial_then_the_rest_mark_the_order_refunded(client, site, read_write):
    # given a paid order of 30.00
    product = socks(site)
    order = sandbox_woo_order_place(
        handle="northwind", lines=[OrderLineSpec(product.pk, quantity=2)], email="ava@example.com", now=NOW
    )
    line_id = order.lines.get().pk
    url = f"{REST}/orders/{order.pk}/refunds"
    # when 5.00 is refunded, then one of the two pairs of socks
    partial = client.post(url, json.dumps({"amount": "5.00", "reason": "Late"}), "application/json", headers=read_write)
    by_line = client.post(
        url, json.dumps({"line_items": [{"id": line_id, "quantity": 1}]}), "application/json", headers=read_write
    )
    # then both refunds are created with WooCommerce's shapes
    assert partial.status_code == by_line.status_code == 201
    assert (partial.json()["amount"], partial.json()["reason"]) == ("5.00", "Late")
    assert by_line.json()["amount"] == "15.00"
    assert by_line.json()["line_items"][0]["quantity"] == -1 and by_line.json()["line_items"][0]["total"] == "-15.00"
    data = client.get(f"{REST}/orders/{order.pk}", headers=read_write).json()
    assert [refund["total"] for refund in data["refunds"]] == ["-15.00", "-5.00"]
    assert data["status"] == "processing"
    assert client.get(url, headers=read_write)["X-WP-Total"] == "2"
    # and refunding the last 10.00 marks it refunded; anything beyond is refused and changes nothing
    assert client.post(url, json.dumps({"amount": "10.00"}), "application/json", headers=read_write).status_code == 201
    too_much = client.post(url, json.dumps({"amount": "0.01"}), "application/json", headers=read_write)
    assert too_much.status_code == 500
    assert too_much.json()["code"] == "woocommerce_rest_cannot_create_order_refund"
    assert WooOrder.objects.get(pk=order.pk).status == WooOrderStatus.REFUNDED
    assert WooRefund.objects.filter(order=order).count() == 3


def test_a_read_only_key_cannot_refund(client, site, read_only):
    # given an order
    order = sandbox_woo_order_place(handle="northwind", lines=[OrderLineSpec(socks(site).pk)], email="a@example.com")
    # when a read-only key posts a refund
    response = client.post(
        f"{REST}/orders/{order.pk}/refunds", json.dumps({"amount": "1.00"}), "application/json", headers=read_only
    )
    # then nothing is refunded
    assert response.status_code == 401
    assert WooRefund.objects.count() == 0


def test_system_status_and_general_settings_tell_the_store(client, site, read_write, settings):
    # given the sandbox's public address
    settings.SANDBOX_BASE_URL = "http://sandbox.test/sandbox"
    # when the store's status and settings are read
    status = client.get(f"{REST}/system_status", headers=read_write).json()
    general = {s["id"]: s["value"] for s in client.get(f"{REST}/settings/general", headers=read_write).json()}
    # then the home URL, currency and time zone are the site's
    assert status["environment"]["site_url"] == "http://sandbox.test/sandbox/woocommerce/northwind"
    assert status["settings"]["currency"] == "USD" and status["settings"]["timezone"] == "America/New_York"
    assert general["woocommerce_currency"] == "USD" and general["woocommerce_price_num_decimals"] == "2"


def test_the_seed_is_deterministic(site):
    # when the same history is seeded twice
    first = sandbox_woo_seed(handle="northwind", products=5, days=10, orders_per_day=4, seed=11, now=NOW)
    totals_first = sorted(WooOrder.objects.values_list("total_minor", "status"))
    second = sandbox_woo_seed(handle="northwind", products=5, days=10, orders_per_day=4, seed=11, now=NOW)
    totals_second = sorted(WooOrder.objects.values_list("total_minor", "status"))
    # then it is the same data, replacing the first
    assert first == second
    assert totals_first == totals_second
    assert WooOrder.objects.count() == first.orders > 0


def _queries_of(client, url: str, headers: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"per_page": 20}, headers=headers)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("path", ["orders", "products", "customers"])
def test_a_list_runs_the_same_queries_whatever_the_data_size(client, site, read_write, path):
    # given a small history, and the queries a page of it takes
    sandbox_woo_seed(handle="northwind", products=3, days=2, orders_per_day=2, seed=8, now=NOW)
    small = _queries_of(client, f"{REST}/{path}", read_write)
    # when the history is much larger
    sandbox_woo_seed(handle="northwind", products=30, days=10, orders_per_day=8, seed=8, now=NOW)
    # then a full page takes as many queries
    assert _queries_of(client, f"{REST}/{path}", read_write) == small


def test_the_sandboxs_fault_injection_answers_in_woocommerces_shape(client, site, read_write):
    # given every WooCommerce request set to fail
    SandboxFault.objects.create(platform="woocommerce", error_rate=1.0)
    # when the hub lists orders
    response = client.get(f"{REST}/orders", headers=read_write)
    # then the answer is a 500 in WordPress's error shape
    assert response.status_code == 500
    assert response.json()["code"] == "internal_server_error"
    assert response.json()["data"] == {"status": 500}


@responses.activate
def test_the_approval_form_works_with_csrf_checks_on(site):
    # given a browser that keeps cookies and a checking CSRF middleware
    browser = Client(enforce_csrf_checks=True)
    responses.post(CALLBACK, status=200)
    page = browser.get(f"{HOME}/wc-auth/v1/authorize", authorize_params())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    # when the merchant presses Approve on the page
    response = browser.post(
        f"{HOME}/wc-auth/v1/authorize", {**authorize_params(), "decision": "approve", "csrfmiddlewaretoken": token}
    )
    # then the key is made and the browser is sent back
    assert response.status_code == 302
    assert WooApiKey.objects.count() == 1
