"""The app install on a sandbox shop: consent, the signed callback, the code and refresh grants."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings

from platforms.constants import SHOPIFY
from platforms.shopify.oauth import ShopifyOAuth
from sandbox.models import SandboxAuthCode, SandboxToken
from tests.sandbox.shopify_helpers import DOMAIN, shop_with_catalogue

pytestmark = pytest.mark.django_db

BASE = f"/sandbox/shopify/{DOMAIN}/admin/oauth"
CLIENT = {
    "client_id": settings.PLATFORM_CREDENTIALS[SHOPIFY]["client_id"],
    "client_secret": settings.PLATFORM_CREDENTIALS[SHOPIFY]["client_secret"],
}
CONSENT = {
    "client_id": CLIENT["client_id"],
    "scope": "read_products,read_orders",
    "redirect_uri": "https://hub.example/connections/shopify/callback",
    "state": "nonce-1",
}


@pytest.fixture
def shop():
    return shop_with_catalogue()


def _install(client) -> dict[str, str]:
    response = client.post(f"{BASE}/authorize", {**CONSENT, "decision": "allow"})
    assert response.status_code == 302
    return dict(parse_qsl(urlsplit(response["Location"]).query))


def test_the_consent_page_lists_the_scopes_and_the_callback_is_signed_as_the_hub_checks(client, shop):
    # when the staff open the install page and press Install
    page = client.get(f"{BASE}/authorize", CONSENT)
    params = _install(client)

    # then the page names the shop and scopes, and the callback carries Shopify's parameters under a valid hmac
    assert page.status_code == 200
    assert b"read_orders" in page.content and b"Northwind Test" in page.content
    assert set(params) == {"code", "hmac", "host", "shop", "state", "timestamp"}
    assert params["shop"] == DOMAIN and params["state"] == "nonce-1"
    assert ShopifyOAuth().callback_valid(params)
    assert not ShopifyOAuth().callback_valid({**params, "state": "nonce-2"})


def test_an_unknown_scope_or_app_is_refused_and_no_code_is_made(client, shop):
    # when the install asks for a scope Shopify does not have, or names an unknown app
    bad_scope = client.post(f"{BASE}/authorize", {**CONSENT, "scope": "read_everything", "decision": "allow"})
    bad_app = client.post(f"{BASE}/authorize", {**CONSENT, "client_id": "nope", "decision": "allow"})

    # then both are error pages and nothing is granted
    assert bad_scope.status_code == 400 and b"invalid_scope" in bad_scope.content
    assert bad_app.status_code == 400
    assert not SandboxAuthCode.objects.exists()


def test_the_code_gives_an_expiring_offline_token_once(client, shop):
    # given an install's code
    code = _install(client)["code"]

    # when it is exchanged with expiring=1, then again
    first = client.post(
        f"{BASE}/access_token", {**CLIENT, "code": code, "expiring": "1"}, content_type="application/json"
    )
    again = client.post(
        f"{BASE}/access_token", {**CLIENT, "code": code, "expiring": "1"}, content_type="application/json"
    )

    # then the first answer has the token, its lifetime and a refresh token; the second is refused
    body = first.json()
    assert first.status_code == 200
    assert body["access_token"].startswith("shpat_")
    assert body["scope"] == "read_products,read_orders"
    assert body["expires_in"] > 0 and body["refresh_token_expires_in"] > 0
    assert body["refresh_token"].startswith("shprt_")
    assert again.status_code == 400 and again.json()["error"] == "invalid_request"


def test_without_expiring_the_token_never_expires_and_has_no_refresh_token(client, shop):
    code = _install(client)["code"]

    # when the code is exchanged as ShopifyAPI sends it (form fields, no expiring)
    body = client.post(f"{BASE}/access_token", {**CLIENT, "code": code}).json()

    # then there is a token and nothing else
    assert set(body) == {"access_token", "scope"}
    assert SandboxToken.objects.get(access_token=body["access_token"]).expires_at is None


def test_a_wrong_client_secret_is_refused(client, shop):
    code = _install(client)["code"]

    # when the exchange carries another secret
    response = client.post(
        f"{BASE}/access_token", {**CLIENT, "client_secret": "wrong", "code": code}, content_type="application/json"
    )

    # then it is invalid_client and the code is still unused
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert SandboxAuthCode.objects.get(code=code).used_at is None


def test_refresh_replaces_the_refresh_token_and_the_old_one_lasts_until_the_new_one_is_used(client, shop):
    # given an expiring grant
    code = _install(client)["code"]
    grant = client.post(f"{BASE}/access_token", {**CLIENT, "code": code, "expiring": "1"}).json()

    def refresh(token: str):
        data = {**CLIENT, "grant_type": "refresh_token", "refresh_token": token}
        return client.post(f"{BASE}/access_token", data, content_type="application/json")

    # when it is refreshed, the answer "lost" and refreshed again with the same token
    lost = refresh(grant["refresh_token"]).json()
    second = refresh(grant["refresh_token"]).json()
    # and then the newest refresh token is used
    third = refresh(second["refresh_token"])

    # then each refresh gave new tokens, the old refresh token worked until its replacement was used
    assert lost["access_token"] != grant["access_token"] and lost["refresh_token"] != grant["refresh_token"]
    assert third.status_code == 200
    assert refresh(grant["refresh_token"]).status_code == 400
    assert refresh(lost["refresh_token"]).status_code == 400
    assert refresh(third.json()["refresh_token"]).status_code == 200
