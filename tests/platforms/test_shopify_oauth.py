"""Shopify's app install: the shop domain a merchant types, the signed callback, the expiring offline token."""

import datetime as dt
import hashlib
import hmac
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.http import QueryDict

from platforms.errors import AuthExpired, RateLimited, Rejected, Transient
from platforms.shopify.oauth import ShopifyOAuth, callback_signature, normalize_shop_domain, shop_url

SHOP = "northwind.myshopify.com"
TOKEN_URL = f"https://{SHOP}/admin/oauth/access_token"
NOW = dt.datetime(2026, 12, 4, 6, 0, tzinfo=dt.UTC)
SECRET = "growthhub-shopify-secret"


@pytest.fixture(autouse=True)
def live_shopify(settings):
    settings.PLATFORM_MODE = "live"
    settings.PLATFORM_CREDENTIALS = {
        **settings.PLATFORM_CREDENTIALS,
        "shopify": {"client_id": "growthhub-shopify", "client_secret": SECRET},
    }
    settings.SHOPIFY_CALLBACK_MAX_AGE = 300


def signed_callback(**overrides: str) -> dict[str, str]:
    params = {
        "code": "0907a61c0c8d55e99db179b68161bc00",
        "host": "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvbm9ydGh3aW5k",
        "shop": SHOP,
        "state": "0.6784241404160823",
        "timestamp": str(int(NOW.timestamp())),
        **overrides,
    }
    params["hmac"] = callback_signature(params, SECRET)
    return params


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param("northwind", SHOP, id="a bare handle"),
        pytest.param("Northwind.MyShopify.com", SHOP, id="the shop domain in any case"),
        pytest.param("https://northwind.myshopify.com/", SHOP, id="the shop's URL with a trailing slash"),
        pytest.param("  https://northwind.myshopify.com/admin  ", SHOP, id="the shop admin URL with spaces around"),
        pytest.param("admin.shopify.com/store/northwind", SHOP, id="the new admin URL without a scheme"),
        pytest.param(
            "https://admin.shopify.com/store/north-wind-2/orders", "north-wind-2.myshopify.com", id="admin URL"
        ),
    ],
)
def test_a_shop_address_the_merchant_typed_becomes_its_myshopify_domain(typed, expected):
    # when the typed address is normalised
    # then it is the lower-case <handle>.myshopify.com
    assert normalize_shop_domain(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("", id="nothing"),
        pytest.param("northwind.example.com", id="another host"),
        pytest.param("evil.com/northwind.myshopify.com", id="a shop domain hidden in another host's path"),
        pytest.param("north_wind", id="an underscore"),
        pytest.param("north wind", id="a space inside"),
        pytest.param("northwind.myshopify.com\nx", id="a second line"),
        pytest.param("-northwind", id="a leading hyphen"),
        pytest.param("northwind.myshopify.com.evil.com", id="a longer host ending elsewhere"),
        pytest.param("a" * 64, id="a handle longer than a DNS label"),
        pytest.param("x" * 300 + ".myshopify.com", id="an overlong address"),
        pytest.param("admin.shopify.com/store/", id="the admin URL without a handle"),
    ],
)
def test_anything_else_is_refused_with_a_message_for_the_merchant(typed):
    # when the typed address is normalised
    with pytest.raises(Rejected) as caught:
        normalize_shop_domain(typed)
    # then the merchant hears what to type
    assert caught.value.message == "Enter your Shopify store's address, like your-store.myshopify.com."


def test_the_urls_are_the_shops_own_live_and_the_sandbox_stores_in_sandbox_mode(settings):
    # given live mode
    assert shop_url(SHOP, "/admin/oauth/authorize") == f"https://{SHOP}/admin/oauth/authorize"
    # when the sandbox is on
    settings.PLATFORM_MODE = "sandbox"
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:8000/sandbox/"
    # then the same path sits under the sandbox's shop prefix
    assert shop_url(SHOP, "admin/oauth/access_token") == (
        f"http://127.0.0.1:8000/sandbox/shopify/{SHOP}/admin/oauth/access_token"
    )


def test_the_consent_url_asks_for_an_offline_token_with_the_hubs_scopes():
    # when the consent URL is built for a typed shop
    url = ShopifyOAuth().authorization_url(
        shop="Northwind", redirect_uri="https://hub.example.com/stores/connections/shopify/callback/", state="s1"
    )
    # then it is the shop's authorize page with exactly the expected parameters
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"https://{SHOP}/admin/oauth/authorize"
    assert parse_qs(parts.query) == {
        "client_id": ["growthhub-shopify"],
        "scope": ["read_products,read_orders,read_all_orders,read_customers,read_inventory,read_discounts"],
        "redirect_uri": ["https://hub.example.com/stores/connections/shopify/callback/"],
        "state": ["s1"],
    }
    assert "grant_options" not in url


def test_a_callback_signed_by_shopify_is_valid():
    # given a callback query signed with the app's secret over all its parameters
    params = signed_callback()
    # then it is valid
    assert ShopifyOAuth().callback_valid(params, now=NOW) is True


def test_the_signature_follows_shopifys_encoding_of_the_sorted_query():
    # given parameters with characters Shopify escapes
    params = {"shop": SHOP, "timestamp": "1", "code": "a%b&c", "state": "x=y", "hmac": "ignored", "signature": "no"}
    # when the signature is computed
    expected_message = f"code=a%25b%26c&shop={SHOP}&state=x=y&timestamp=1"
    # then it is the hex HMAC of the sorted, escaped message without hmac and signature
    assert (
        callback_signature(params, SECRET)
        == hmac.new(SECRET.encode(), expected_message.encode(), hashlib.sha256).hexdigest()
    )


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda p: {**p, "shop": "contoso.myshopify.com"}, id="another shop put in"),
        pytest.param(lambda p: {k: v for k, v in p.items() if k != "host"}, id="the host left out"),
        pytest.param(lambda p: {k: v for k, v in p.items() if k != "hmac"}, id="no hmac"),
        pytest.param(lambda p: {**p, "hmac": p["hmac"][:-2] + "00"}, id="a changed hmac"),
        pytest.param(lambda p: {**p, "code": "attacker-code"}, id="a swapped code"),
    ],
)
def test_a_tampered_callback_is_not_valid(tamper):
    # given a signed callback changed after signing
    params = tamper(signed_callback())
    # then it is not valid
    assert ShopifyOAuth().callback_valid(params, now=NOW) is False


@pytest.mark.parametrize(
    ("offset", "valid"),
    [
        pytest.param(-299, True, id="299 s old is fresh"),
        pytest.param(-301, False, id="301 s old is stale"),
        pytest.param(301, False, id="301 s in the future is refused"),
    ],
)
def test_a_callback_outside_the_allowed_age_is_refused(offset, valid):
    # given a callback signed at a moment offset from now
    params = signed_callback(timestamp=str(int(NOW.timestamp()) + offset))
    # then only one within SHOPIFY_CALLBACK_MAX_AGE is valid
    assert ShopifyOAuth().callback_valid(params, now=NOW) is valid


def test_a_correctly_signed_callback_for_a_malformed_shop_is_refused():
    # given a callback whose shop is not a myshopify domain, even though its signature matches
    params = signed_callback(shop="northwind.example.com")
    # then it is not valid
    assert ShopifyOAuth().callback_valid(params, now=NOW) is False


@responses.activate
def test_the_code_is_exchanged_for_an_expiring_offline_token():
    # given Shopify granting an expiring offline token
    responses.add(
        responses.POST,
        TOKEN_URL,
        json={
            "access_token": "shpat_first",
            "scope": "read_products,read_orders",
            "expires_in": 3600,
            "refresh_token": "shprt_first",
            "refresh_token_expires_in": 7776000,
        },
    )
    # when the callback's code is exchanged
    token = ShopifyOAuth().exchange_code(shop=SHOP, code="the-code")
    # then the request asked for an expiring token in JSON
    assert json.loads(responses.calls[0].request.body) == {
        "client_id": "growthhub-shopify",
        "client_secret": SECRET,
        "code": "the-code",
        "expiring": "1",
    }
    assert responses.calls[0].request.headers["Content-Type"] == "application/json"
    # and the token set carries both lifetimes and the refresh token
    assert token.access_token == "shpat_first"
    assert token.expires_in == 3600
    assert token.refresh_token == "shprt_first"
    assert token.refresh_expires_in == 7776000
    assert token.scopes == ("read_products", "read_orders")


@responses.activate
def test_a_refresh_rotates_the_refresh_token():
    # given Shopify answering a refresh with a new pair
    responses.add(
        responses.POST,
        TOKEN_URL,
        json={
            "access_token": "shpat_second",
            "expires_in": 3600,
            "refresh_token": "shprt_second",
            "scope": "read_orders",
        },
    )
    # when the connection is refreshed
    token = ShopifyOAuth().refresh(shop=SHOP, refresh_token="shprt_first")
    # then the refresh grant was sent and the new refresh token replaces the old
    assert json.loads(responses.calls[0].request.body) == {
        "client_id": "growthhub-shopify",
        "client_secret": SECRET,
        "grant_type": "refresh_token",
        "refresh_token": "shprt_first",
    }
    assert (token.access_token, token.refresh_token, token.expires_in) == ("shpat_second", "shprt_second", 3600)


@responses.activate
def test_a_refresh_without_a_refresh_token_means_installing_again():
    # when there is no refresh token
    with pytest.raises(AuthExpired):
        ShopifyOAuth().refresh(shop=SHOP, refresh_token="")
    # then no request was needed to know it
    assert len(responses.calls) == 0


@pytest.mark.parametrize(
    ("status", "body", "headers", "error_type"),
    [
        pytest.param(
            400,
            {"error": "invalid_grant", "error_description": "Refresh token is invalid"},
            {},
            AuthExpired,
            id="a dead refresh token means installing again",
        ),
        pytest.param(400, {"error": "invalid_refresh_token"}, {}, AuthExpired, id="an invalid refresh token too"),
        pytest.param(401, {"errors": "Unauthorized"}, {}, AuthExpired, id="401"),
        pytest.param(
            400,
            {"error": "invalid_request", "error_description": "Missing client_id"},
            {},
            Rejected,
            id="a malformed request is a refusal",
        ),
        pytest.param(429, {"errors": "Too many"}, {"Retry-After": "4"}, RateLimited, id="429 is a rate limit"),
        pytest.param(503, {"errors": "Unavailable"}, {}, Transient, id="5xx is transient"),
    ],
)
@responses.activate
def test_token_endpoint_failures_map_into_the_hierarchy_without_the_token(status, body, headers, error_type):
    # given the token endpoint failing
    responses.add(responses.POST, TOKEN_URL, json=body, status=status, headers=headers)
    # when a refresh is attempted
    with pytest.raises(error_type) as caught:
        ShopifyOAuth().refresh(shop=SHOP, refresh_token="shprt_secret_value")
    # then the error is Shopify's, and neither the refresh token nor the client secret is in it
    assert caught.value.status == status
    assert caught.value.platform == "shopify"
    assert "shprt_secret_value" not in str(caught.value)
    assert SECRET not in str(caught.value)
    if error_type is RateLimited:
        assert caught.value.retry_after == 4.0


@responses.activate
def test_a_timeout_of_the_code_exchange_is_transient_and_ambiguous():
    # given the token endpoint not answering in time
    responses.add(responses.POST, TOKEN_URL, body=requests.ReadTimeout("read timed out"))
    # when the code is exchanged
    with pytest.raises(Transient) as caught:
        ShopifyOAuth().exchange_code(shop=SHOP, code="the-code")
    # then the caller knows the code may have been used
    assert caught.value.ambiguous is True


@responses.activate
def test_a_token_answer_without_a_token_is_refused():
    # given a 200 without an access token
    responses.add(responses.POST, TOKEN_URL, json={"scope": "read_orders"})
    # then the exchange is refused as unreadable
    with pytest.raises(Rejected, match="unreadable"):
        ShopifyOAuth().exchange_code(shop=SHOP, code="the-code")


@responses.activate
def test_the_sandbox_token_endpoint_is_used_in_sandbox_mode(settings):
    # given sandbox mode
    settings.PLATFORM_MODE = "sandbox"
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox"
    responses.add(
        responses.POST,
        f"http://127.0.0.1:9/sandbox/shopify/{SHOP}/admin/oauth/access_token",
        json={"access_token": "shpat_sandbox", "expires_in": 3600, "refresh_token": "shprt_sandbox"},
    )
    # when the code is exchanged
    token = ShopifyOAuth().exchange_code(shop=SHOP, code="c")
    # then the sandbox store answered
    assert token.access_token == "shpat_sandbox"


@responses.activate
def test_the_account_is_the_shop_the_token_acts_for():
    # given Shopify describing the shop
    responses.add(
        responses.POST,
        f"https://{SHOP}/admin/api/2026-10/graphql.json",
        json={
            "data": {
                "shop": {
                    "id": "gid://shopify/Shop/9",
                    "name": "Northwind Outfitters",
                    "myshopifyDomain": SHOP,
                    "currencyCode": "USD",
                    "ianaTimezone": "America/New_York",
                    "primaryDomain": {"url": "https://northwind.example"},
                }
            }
        },
    )
    # when the account of a fresh token is read
    account = ShopifyOAuth().fetch_account(shop=SHOP, access_token="shpat_first")
    # then it is the shop domain and name, asked with the token
    assert (account.id, account.name) == (SHOP, "Northwind Outfitters")
    assert responses.calls[0].request.headers["X-Shopify-Access-Token"] == "shpat_first"


def test_a_callback_read_from_djangos_query_dict_is_valid_array_parameters_included():
    # given a callback query with an array parameter, signed as Shopify signs arrays, read by Django
    timestamp = str(int(NOW.timestamp()))
    message = f'ids=["1", "2"]&shop={SHOP}&timestamp={timestamp}'
    signature = hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()
    query = QueryDict(f"ids[]=1&ids[]=2&shop={SHOP}&timestamp={timestamp}&hmac={signature}")
    # then it is valid, and changing one array value breaks it
    assert ShopifyOAuth().callback_valid(query, now=NOW) is True
    tampered = QueryDict(f"ids[]=1&ids[]=3&shop={SHOP}&timestamp={timestamp}&hmac={signature}")
    assert ShopifyOAuth().callback_valid(tampered, now=NOW) is False
