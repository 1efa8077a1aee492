"""The official ShopifyAPI library (12.7.0) against the sandbox Shopify over real HTTP: its callback hmac check, its
code exchange, and ``shopify.GraphQL().execute`` with a session pointed at the sandbox shop.

12.7.0 hard-codes ``https://<shop>/`` for the token request: a urllib opener rewrites that one address to the
sandbox shop's prefix (the library's own request, body and headers go through unchanged)."""

import json
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, urlsplit

import pytest
import shopify
from django.conf import settings
from django.test import Client

from platforms.constants import SHOPIFY
from platforms.shopify import queries
from sandbox.models import SandboxToken
from sandbox.services import sandbox_bootstrap
from sandbox.shopify.seed import sandbox_shopify_seed

pytestmark = pytest.mark.django_db(transaction=True)

DOMAIN = "sdk-demo.myshopify.com"
CREDENTIALS = settings.PLATFORM_CREDENTIALS[SHOPIFY]


@pytest.fixture
def shop(sandbox_url, monkeypatch):
    sandbox_bootstrap()
    sandbox_shopify_seed(domain=DOMAIN, products=4, days=5, orders_per_day=2, seed=5)
    shopify.Session.setup(api_key=CREDENTIALS["client_id"], secret=CREDENTIALS["client_secret"])
    original = urllib.request.urlopen

    def to_sandbox(request, *args, **kwargs):
        if isinstance(request, urllib.request.Request) and request.full_url.startswith(f"https://{DOMAIN}/"):
            request.full_url = request.full_url.replace(f"https://{DOMAIN}", f"{sandbox_url}/shopify/{DOMAIN}", 1)
        return original(request, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", to_sandbox)
    yield sandbox_url
    shopify.ShopifyResource.clear_session()


def _callback(session: shopify.Session) -> dict[str, str]:
    """The library's permission URL, consented to on the sandbox's page; the callback's parameters."""
    url = session.create_permission_url(["read_products", "read_orders"], "https://hub.example/callback", "st-9")
    query = dict(parse_qsl(urlsplit(url).query))
    response = Client().post(f"/sandbox/shopify/{DOMAIN}/admin/oauth/authorize", {**query, "decision": "allow"})
    assert response.status_code == 302
    return dict(parse_qsl(urlsplit(response["Location"]).query))


def test_the_library_validates_the_callback_hmac_and_exchanges_the_code(shop):
    # given the library's permission URL consented to
    session = shopify.Session(DOMAIN, "2026-10")
    params = _callback(session)

    # when the library checks the callback, a tampered copy, and requests the token
    valid = shopify.Session.validate_params(params)
    tampered = shopify.Session.validate_params({**params, "shop": "other-shop.myshopify.com"})
    token = session.request_token(params)

    # then the genuine callback passes, the tampered one fails, and the token is the sandbox's, with its scopes
    assert valid and not tampered
    stored = SandboxToken.objects.get(access_token=token)
    assert stored.account.external_id == DOMAIN
    assert set(session.access_scopes) == {"read_products", "read_orders"}


def test_graphql_execute_reads_the_shop_and_orders(shop):
    # given a session for the installed app, pointed at the sandbox shop's Admin API
    session = shopify.Session(DOMAIN, "2026-10")
    token = session.request_token(_callback(session))
    shopify.ShopifyResource.activate_session(shopify.Session(DOMAIN, "2026-10", token))
    shopify.ShopifyResource.set_site(f"{shop}/shopify/{DOMAIN}/admin/api/2026-10")

    # when the library executes the hub's shop and orders documents
    shop_body = json.loads(shopify.GraphQL().execute(queries.SHOP_QUERY))
    orders_body = json.loads(
        shopify.GraphQL().execute(queries.ORDERS_QUERY, variables={"first": 5, "after": None, "query": None})
    )

    # then the answers are data with their cost, as from Shopify
    assert shop_body["data"]["shop"]["myshopifyDomain"] == DOMAIN
    assert len(orders_body["data"]["orders"]["nodes"]) == 5
    assert orders_body["extensions"]["cost"]["throttleStatus"]["maximumAvailable"] == 2000.0


def test_a_bad_token_is_a_401_the_library_raises(shop):
    shopify.ShopifyResource.activate_session(shopify.Session(DOMAIN, "2026-10", "shpat_not-a-token"))
    shopify.ShopifyResource.set_site(f"{shop}/shopify/{DOMAIN}/admin/api/2026-10")

    # when the library queries with a token the shop never issued
    with pytest.raises(urllib.error.HTTPError) as raised:
        shopify.GraphQL().execute(queries.SHOP_QUERY)

    # then it is Shopify's 401
    assert raised.value.code == 401
