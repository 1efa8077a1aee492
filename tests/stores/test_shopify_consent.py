"""Connecting a store to its Shopify shop: the install link, then the callback's checks before anything is saved."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from platforms.constants import SHOPIFY
from platforms.shopify.graphql import API_VERSION
from platforms.shopify.oauth import callback_signature
from stores import tasks
from stores.connections.services.store_consent import shopify_connection_begin, shopify_connection_complete
from stores.exceptions import ApplicationError
from stores.models import ConnectionEvent, ConnectionStatus, OAuthState, PlatformConnection, Role
from tests.factories import MembershipFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db

SHOP = "northwind.myshopify.com"
SECRET = "growthhub-shopify-secret"
REDIRECT = "https://hub.example.org/stores/connections/shopify/callback/"
SHOP_ANSWER = {
    "data": {
        "shop": {
            "id": "gid://shopify/Shop/42",
            "name": "Northwind Outfitters",
            "currencyCode": "EUR",
            "ianaTimezone": "Europe/Berlin",
            "myshopifyDomain": SHOP,
            "primaryDomain": {"url": "https://northwind.example.com"},
        }
    },
    "extensions": {
        "cost": {
            "requestedQueryCost": 1,
            "actualQueryCost": 1,
            "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 1999.0, "restoreRate": 100.0},
        }
    },
}


@pytest.fixture(autouse=True)
def live_shopify(settings):
    settings.PLATFORM_MODE = "live"
    settings.PLATFORM_CREDENTIALS = {
        **settings.PLATFORM_CREDENTIALS,
        SHOPIFY: {"client_id": "growthhub-shopify", "client_secret": SECRET},
    }


@pytest.fixture
def owner():
    user = UserFactory()
    store = StoreFactory(currency="USD", timezone="UTC")
    MembershipFactory(store=store, user=user, role=Role.OWNER)
    return user, store


@pytest.fixture
def started(monkeypatch) -> list[int]:
    """The connections whose start task was queued (the broker is not reached)."""
    queued: list[int] = []
    monkeypatch.setattr(tasks.store_connection_start_task, "delay", lambda pk: queued.append(pk))
    return queued


def begin(owner, shop: str = "Northwind") -> str:
    user, store = owner
    url = shopify_connection_begin(store=store, user=user, shop=shop, redirect_uri=REDIRECT)
    return parse_qs(urlsplit(url).query)["state"][0]


def callback(state: str, **overrides: str) -> dict[str, str]:
    params = {"code": "c0de", "shop": SHOP, "state": state, "timestamp": str(int(time.time())), **overrides}
    params["hmac"] = callback_signature(params, SECRET)
    return params


def shopify_answers(*, token_status: int = 200) -> None:
    token = {
        "access_token": "shpat_first",
        "scope": "read_products,read_orders",
        "expires_in": 3600,
        "refresh_token": "shprt_first",
        "refresh_token_expires_in": 7_776_000,
    }
    responses.add(
        responses.POST,
        f"https://{SHOP}/admin/oauth/access_token",
        json=token if token_status == 200 else {"error": "invalid_request"},
        status=token_status,
    )
    responses.add(responses.POST, f"https://{SHOP}/admin/api/{API_VERSION}/graphql.json", json=SHOP_ANSWER)


def test_the_install_link_goes_to_the_typed_shop_with_a_state_kept_for_that_shop(owner):
    # when the merchant types a bare handle
    user, store = owner
    url = shopify_connection_begin(store=store, user=user, shop="Northwind", redirect_uri=REDIRECT)

    # then the link is the shop's own install page with the app's id, the redirect and a single-use state
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", SHOP, "/admin/oauth/authorize")
    assert (query["client_id"], query["redirect_uri"]) == (["growthhub-shopify"], [REDIRECT])
    state = OAuthState.objects.get(state=query["state"][0])
    assert (state.store, state.user, state.platform, state.account_hint) == (store, user, SHOPIFY, SHOP)


def test_a_shop_address_that_is_not_shopifys_is_refused_and_nothing_is_kept(owner):
    user, store = owner
    with pytest.raises(ApplicationError) as refused:
        shopify_connection_begin(store=store, user=user, shop="https://evil.example.com/", redirect_uri=REDIRECT)
    assert refused.value.code == "store_account_invalid"
    assert not OAuthState.objects.exists()


@responses.activate
def test_a_verified_callback_saves_an_expiring_grant_sets_the_stores_currency_and_zone_and_starts_the_sync(
    owner, started, django_capture_on_commit_callbacks
):
    # given an install begun for the shop, and Shopify answering the exchange and the shop query
    user, store = owner
    state = begin(owner)
    shopify_answers()

    # when the callback comes back signed
    with django_capture_on_commit_callbacks(execute=True):
        connection = shopify_connection_complete(user=user, params=callback(state))

    # then the grant is saved encrypted with its expiry and refresh token, for that shop
    connection.refresh_from_db()
    assert (connection.platform, connection.external_account_id, connection.status) == (
        SHOPIFY,
        SHOP,
        ConnectionStatus.ACTIVE,
    )
    assert (connection.access_token, connection.refresh_token) == ("shpat_first", "shprt_first")
    assert connection.access_token_expires_at is not None
    raw = PlatformConnection.objects.filter(pk=connection.pk).values_list("access_token_encrypted", flat=True)[0]
    assert "shpat_first" not in str(raw)
    # and the store now speaks the shop's currency and time zone, and its first sync was queued once
    store.refresh_from_db()
    assert (store.currency, store.timezone) == ("EUR", "Europe/Berlin")
    assert started == [connection.pk]
    assert ConnectionEvent.objects.filter(connection=connection).exists()


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        pytest.param(lambda params: {**params, "hmac": "0" * 64}, "oauth_signature_invalid", id="a forged hmac"),
        pytest.param(
            lambda params: callback(params["state"], shop="other.myshopify.com"), "oauth_shop_mismatch", id="other shop"
        ),
        pytest.param(lambda params: callback("not-a-state"), "oauth_state_invalid", id="an unknown state"),
        pytest.param(lambda params: callback(params["state"], code=""), "oauth_no_code", id="no code"),
    ],
)
@responses.activate
def test_a_callback_that_fails_a_check_connects_nothing(owner, started, tamper, code):
    # given an install begun for the shop
    user, _ = owner
    shopify_answers()
    params = tamper(callback(begin(owner)))

    # when the callback fails one check, then it is refused with its reason and nothing is saved or queued
    with pytest.raises(ApplicationError) as refused:
        shopify_connection_complete(user=user, params=params)
    assert refused.value.code == code
    assert not PlatformConnection.objects.exists()
    assert started == []


@responses.activate
def test_a_state_is_spent_by_its_first_use_so_a_replayed_callback_connects_nothing_more(owner, started):
    # given a callback that connected the shop
    user, _ = owner
    shopify_answers()
    params = callback(begin(owner))
    shopify_connection_complete(user=user, params=params)

    # when the same callback is replayed, then it is refused and the one connection stays the only one
    with pytest.raises(ApplicationError):
        shopify_connection_complete(user=user, params=params)
    assert PlatformConnection.objects.count() == 1


@responses.activate
def test_shopify_refusing_the_code_connects_nothing_and_says_why(owner, started):
    # given Shopify refusing the code exchange
    user, store = owner
    shopify_answers(token_status=400)

    # when the callback comes back, then the merchant is told and nothing is saved
    with pytest.raises(ApplicationError) as refused:
        shopify_connection_complete(user=user, params=callback(begin(owner)))
    assert refused.value.code == "oauth_platform_error"
    assert refused.value.message.startswith("Shopify could not complete the connection")
    assert not PlatformConnection.objects.exists()
    store.refresh_from_db()
    assert store.currency == "USD"
