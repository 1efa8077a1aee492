"""Connecting a store to its WooCommerce site, end to end over real HTTP: the hub sends the merchant to the sandbox
store's approval page, the store POSTs the new keys to the hub's callback (served by the live server), the hub tries
them on the store and saves the connection; every refusal leaves nothing saved. Also the pasted keys, the address
checks and the disconnect that deletes the hub's webhooks."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.messages import get_messages
from django.urls import reverse

from platforms.errors import Rejected
from platforms.woocommerce.site import normalize_site_url
from sandbox.models import WooApiKey, WooSite, WooWebhook
from sandbox.woocommerce.auth import api_key_create
from sandbox.woocommerce.services import sandbox_woo_site_ensure
from stores import tasks
from stores.commerce.sync import store_webhook_address, store_webhooks_register
from stores.models import ConnectionStatus, Membership, OAuthState, PlatformConnection, Role
from tests.factories import MembershipFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site_url(sandbox_url, live_server, settings):
    settings.SITE_URL = live_server.url
    sandbox_woo_site_ensure(
        handle="northwind", name="Northwind Outfitters", currency="EUR", timezone_string="Europe/Berlin"
    )
    return f"{sandbox_url}/woocommerce/northwind"


@pytest.fixture
def merchant(client):
    user = UserFactory()
    store = StoreFactory(currency="USD", timezone="UTC")
    MembershipFactory(store=store, user=user, role=Role.OWNER)
    client.force_login(user)
    return client, store


@pytest.fixture
def started(monkeypatch) -> list[int]:
    """The connections whose start task was queued (the broker is not reached)."""
    queued: list[int] = []
    monkeypatch.setattr(tasks.store_connection_start_task, "delay", lambda pk: queued.append(pk))
    return queued


def begin(client, site_url: str) -> tuple[str, dict[str, str]]:
    """Start from the connections panel: (the approval page's path, its query)."""
    response = client.post(reverse("stores:woocommerce_connect"), {"site_url": site_url + "/"})
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    return location.path, {name: values[0] for name, values in parse_qs(location.query).items()}


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_merchant_is_sent_to_the_stores_approval_page(merchant, site_url, settings):
    # when the merchant enters the store's address
    client, store = merchant
    path, query = begin(client, site_url)
    # then the approval page is asked for read_write keys for Growth Hub, with a one-time state as user_id
    assert f"{settings.SANDBOX_BASE_URL}/woocommerce/northwind/wc-auth/v1/authorize".endswith(path)
    state = OAuthState.objects.get(state=query["user_id"])
    assert (state.store, state.platform, state.account_hint) == (store, "woocommerce", site_url)
    assert (query["app_name"], query["scope"]) == ("Growth Hub", "read_write")
    assert query["callback_url"] == f"{settings.SITE_URL}/stores/connections/woocommerce/keys/"
    assert query["return_url"] == "http://testserver/stores/connections/woocommerce/callback/"


def test_approving_connects_the_store_with_its_keys_encrypted(merchant, site_url, started):
    # given the merchant on the approval page
    client, store = merchant
    path, query = begin(client, site_url)
    # when they approve: the store POSTs the keys to the hub over HTTP, then sends the browser back
    approved = client.post(path, {**query, "decision": "approve"})
    assert approved.status_code == 302, approved.content.decode()
    back = urlsplit(approved["Location"])
    assert parse_qs(back.query) == {"success": ["1"], "user_id": [query["user_id"]]}
    returned = client.get(back.path, parse_qs(back.query))
    # then the connection is saved with the store's key pair, its own webhook secret and the shop's settings
    connection = PlatformConnection.objects.get(store=store, platform="woocommerce")
    key = WooApiKey.objects.get(site__handle="northwind")
    consumer_key, _, consumer_secret = connection.access_token.partition(":")
    assert consumer_secret == key.consumer_secret and consumer_key.startswith("ck_")
    assert consumer_key not in connection.access_token_encrypted
    assert (connection.external_account_id, connection.external_account_name) == (site_url, "Northwind Outfitters")
    assert connection.status == ConnectionStatus.ACTIVE and connection.scopes == ["read_write"]
    assert len(connection.webhook_secret) >= 32
    store.refresh_from_db()
    assert (store.currency, store.timezone) == ("EUR", "Europe/Berlin")
    # and the start task was queued once, and the merchant is told
    assert started == [connection.pk]
    assert returned.status_code == 302 and returned["Location"] == reverse("stores:connections")
    assert any("WooCommerce is connected: Northwind Outfitters" in m for m in messages_of(returned))
    assert OAuthState.objects.get(state=query["user_id"]).completed_at is not None


def test_a_wrong_state_is_refused_and_the_store_drops_the_key(merchant, site_url, started):
    # given a consent, and an approval whose user_id was changed on the way
    client, store = merchant
    path, query = begin(client, site_url)
    # when the store posts the keys for that other user_id
    approved = client.post(path, {**query, "user_id": "forged-state", "decision": "approve"})
    # then the hub refused them: WooCommerce deleted the key and shows its error; nothing was saved
    assert approved.status_code == 401
    assert WooApiKey.objects.count() == 0
    assert PlatformConnection.objects.count() == 0 and started == []
    # and the real state is untouched (not completed)
    assert OAuthState.objects.get(state=query["user_id"]).completed_at is None


def post_keys(live_server, **payload) -> requests.Response:
    return requests.post(
        f"{live_server.url}{reverse('stores:woocommerce_keys')}",
        data=json.dumps({"key_id": 1, "key_permissions": "read_write", **payload}),
        headers={"Content-Type": "application/json;charset=UTF-8"},
        timeout=30,
    )


def test_keys_delivered_twice_are_refused_the_second_time(merchant, site_url, live_server, started):
    # given a consent and a working key pair
    client, _ = merchant
    _, query = begin(client, site_url)
    _, key, secret = api_key_create(
        site=WooSite.objects.get(handle="northwind"), description="hub", permissions="read_write"
    )
    payload = {"user_id": query["user_id"], "consumer_key": key, "consumer_secret": secret}
    # when the same delivery arrives twice
    first, second = post_keys(live_server, **payload), post_keys(live_server, **payload)
    # then only the first connects
    assert first.status_code == 200, first.text
    assert second.status_code == 400 and second.json()["error"] == "oauth_state_replayed"
    assert PlatformConnection.objects.count() == 1 and len(started) == 1


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"consumer_key": "ck_0000000000", "consumer_secret": "cs_0000000000"}, "oauth_platform_error"),
        ({"consumer_key": "not-a-key", "consumer_secret": "cs_0000000000"}, "oauth_keys_invalid"),
        ({"key_permissions": "read"}, "oauth_scope_missing"),
    ],
    ids=["keys the store does not know", "a malformed key", "a read-only key"],
)
def test_keys_that_cannot_serve_are_refused_with_nothing_saved(merchant, site_url, live_server, started, payload, code):
    # given a consent
    client, _ = merchant
    _, query = begin(client, site_url)
    _, key, secret = api_key_create(site=WooSite.objects.get(handle="northwind"), description="hub", permissions="read")
    # when the store delivers keys that do not serve
    delivery = {"user_id": query["user_id"], "consumer_key": key, "consumer_secret": secret, **payload}
    answer = post_keys(live_server, **delivery)
    # then they are refused, nothing is saved, and the consent is spent
    assert answer.status_code == 400 and answer.json()["error"] == code
    assert PlatformConnection.objects.count() == 0 and started == []
    assert OAuthState.objects.get(state=query["user_id"]).used_at is not None
    assert "cs_" not in answer.text


def test_a_body_that_is_not_json_is_refused(site_url, live_server):
    answer = requests.post(f"{live_server.url}{reverse('stores:woocommerce_keys')}", data=b"user_id=1", timeout=30)
    assert answer.status_code == 400
    assert PlatformConnection.objects.count() == 0


def test_denying_tells_the_merchant_and_spends_the_consent(merchant, site_url, live_server, started):
    # given a consent the merchant denies at the store
    client, _ = merchant
    path, query = begin(client, site_url)
    denied = client.post(path, {**query, "decision": "deny"})
    back = urlsplit(denied["Location"])
    # when the browser comes back
    returned = client.get(back.path, parse_qs(back.query))
    # then they hear it, nothing is saved, and keys sent for that consent later are refused
    assert any("You declined" in m for m in messages_of(returned))
    assert PlatformConnection.objects.count() == 0
    _, key, secret = api_key_create(
        site=WooSite.objects.get(handle="northwind"), description="x", permissions="read_write"
    )
    late = post_keys(live_server, user_id=query["user_id"], consumer_key=key, consumer_secret=secret)
    assert late.status_code == 400 and PlatformConnection.objects.count() == 0


def test_pasted_keys_connect_the_store(merchant, site_url, started):
    # given a key pair the merchant made at the store
    client, store = merchant
    _, key, secret = api_key_create(
        site=WooSite.objects.get(handle="northwind"), description="x", permissions="read_write"
    )
    # when they paste it with the store's address
    response = client.post(
        reverse("stores:woocommerce_paste"), {"site_url": site_url, "consumer_key": key, "consumer_secret": secret}
    )
    # then the store is connected and started
    connection = PlatformConnection.objects.get(store=store, platform="woocommerce")
    assert connection.access_token == f"{key}:{secret}"
    assert started == [connection.pk]
    assert any("WooCommerce is connected" in m for m in messages_of(response))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"consumer_secret": "cs_wrongwrongwrong"}, "WooCommerce refused the keys"),
        ({"consumer_key": "ck_<script>"}, "characters WooCommerce never puts"),
        ({"site_url": "https://10.0.0.8"}, "not an IP address"),
        ({"site_url": "ftp://shop.example.com"}, "not a valid URL"),
    ],
    ids=["a wrong secret", "a key with odd characters", "a private address", "another scheme"],
)
def test_pasted_keys_that_fail_save_nothing(merchant, site_url, started, fields, message):
    client, store = merchant
    _, key, secret = api_key_create(
        site=WooSite.objects.get(handle="northwind"), description="x", permissions="read_write"
    )
    form = {"site_url": site_url, "consumer_key": key, "consumer_secret": secret, **fields}
    response = client.post(reverse("stores:woocommerce_paste"), form)
    assert any(message in m for m in messages_of(response)), messages_of(response)
    assert PlatformConnection.objects.count() == 0 and started == []


def test_an_unacceptable_address_starts_nothing(merchant, site_url):
    client, _ = merchant
    response = client.post(reverse("stores:woocommerce_connect"), {"site_url": "http://shop.example.com"})
    assert response["Location"] == reverse("stores:connections")
    assert any("HTTPS" in m for m in messages_of(response))
    assert OAuthState.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("shop.example.com", "https://shop.example.com"),
        ("https://Shop.Example.com/store/", "https://shop.example.com/store"),
        ("https://shop.example.com:8443", "https://shop.example.com:8443"),
    ],
)
def test_a_typed_address_is_kept_plain(settings, typed, kept):
    settings.PLATFORM_MODE = "live"
    assert normalize_site_url(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "http://shop.example.com",
        "https://user:pw@shop.example.com",
        "https://shop.example.com/?page=1",
        "https://localhost",
        "https://127.0.0.1",
        "https://[::1]",
        "https://intranet",
        "https://shop.example.com/" + "a" * 200,
        "javascript:alert(1)",
    ],
)
def test_an_address_that_is_not_a_public_https_site_is_refused(settings, typed):
    settings.PLATFORM_MODE = "live"
    with pytest.raises(Rejected):
        normalize_site_url(typed)


def test_disconnecting_deletes_the_webhooks_the_hub_made(merchant, site_url, started):
    # given a connected store whose webhooks were registered, and another app's webhook at the same store
    client, store = merchant
    _, key, secret = api_key_create(
        site=WooSite.objects.get(handle="northwind"), description="x", permissions="read_write"
    )
    client.post(
        reverse("stores:woocommerce_paste"), {"site_url": site_url, "consumer_key": key, "consumer_secret": secret}
    )
    connection = PlatformConnection.objects.get(store=store)
    store_webhooks_register(connection=connection, address=store_webhook_address("woocommerce"))
    WooWebhook.objects.create(
        site=WooSite.objects.get(handle="northwind"),
        name="Another app",
        topic="order.created",
        delivery_url="https://elsewhere.example/hook",
        secret="theirs",
        date_created_gmt=connection.connected_at,
        date_modified_gmt=connection.connected_at,
    )
    assert WooWebhook.objects.count() == 6
    # when the merchant disconnects
    client.post(reverse("stores:connection_disconnect", args=[connection.pk]))
    # then the hub's webhooks are gone, the other app's stays, and the keys are wiped
    assert list(WooWebhook.objects.values_list("name", flat=True)) == ["Another app"]
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.REVOKED and connection.access_token_encrypted == ""


def test_the_connections_panel_offers_woocommerce_until_a_store_is_connected(merchant, site_url, started):
    # given a merchant with no store platform connected
    client, _ = merchant
    page = client.get(reverse("stores:connections")).content.decode()
    # then the panel offers both ways to connect WooCommerce, without inline script or style
    assert 'id="connect-woocommerce"' in page and 'id="paste-woocommerce-keys"' in page
    assert "<script>" not in page and "style=" not in page
    # and once connected, it lists the store instead
    _, key, secret = api_key_create(
        site=WooSite.objects.get(handle="northwind"), description="x", permissions="read_write"
    )
    client.post(
        reverse("stores:woocommerce_paste"), {"site_url": site_url, "consumer_key": key, "consumer_secret": secret}
    )
    page = client.get(reverse("stores:connections")).content.decode()
    assert 'id="connect-woocommerce"' not in page and "Northwind Outfitters" in page
    assert secret not in page and key not in page


def test_live_mode_without_https_asks_for_pasted_keys(merchant, settings):
    # given a live Growth Hub served over plain http
    settings.PLATFORM_MODE = "live"
    settings.SITE_URL = "http://hub.example.com"
    client, _ = merchant
    # when the merchant starts the key flow
    response = client.post(reverse("stores:woocommerce_connect"), {"site_url": "shop.example.com"})
    # then they are told why it cannot work, and nothing is started
    assert any("Paste a key pair instead" in m for m in messages_of(response))
    assert OAuthState.objects.count() == 0


def test_live_mode_sends_the_merchant_to_the_stores_https_page(merchant, settings):
    settings.PLATFORM_MODE = "live"
    settings.SITE_URL = "https://hub.example.com"
    client, _ = merchant
    response = client.post(reverse("stores:woocommerce_connect"), {"site_url": "Shop.Example.com/"})
    assert response["Location"].startswith("https://shop.example.com/wc-auth/v1/authorize?app_name=Growth+Hub&")
    assert OAuthState.objects.get().account_hint == "https://shop.example.com"


def test_a_member_who_may_not_change_connections_cannot_connect(client_as_analyst, site_url, started):
    # given an analyst of a store, and a working key pair
    client, store = client_as_analyst
    _, key, secret = api_key_create(
        site=WooSite.objects.get(handle="northwind"), description="x", permissions="read_write"
    )
    # when they try either way to connect WooCommerce
    pasted = client.post(
        reverse("stores:woocommerce_paste"), {"site_url": site_url, "consumer_key": key, "consumer_secret": secret}
    )
    begun = client.post(reverse("stores:woocommerce_connect"), {"site_url": site_url})
    # then both are refused and nothing is saved or started
    assert (pasted.status_code, begun.status_code) == (403, 403)
    assert PlatformConnection.objects.count() == 0 and OAuthState.objects.count() == 0 and started == []


@pytest.fixture
def client_as_analyst(client):
    user = UserFactory()
    store = StoreFactory()
    MembershipFactory(store=store, user=user, role=Role.ANALYST)
    client.force_login(user)
    return client, store


def test_keys_for_a_member_who_lost_the_right_meanwhile_are_refused(merchant, site_url, started):
    # given a consent begun by an owner who is then made an analyst
    client, store = merchant
    path, query = begin(client, site_url)
    Membership.objects.filter(store=store).update(role=Role.ANALYST)
    # when the store delivers the keys
    approved = client.post(path, {**query, "decision": "approve"})
    # then the hub refused them and the store dropped the key
    assert approved.status_code == 401
    assert PlatformConnection.objects.count() == 0 and WooApiKey.objects.count() == 0 and started == []


def test_a_disconnected_store_is_connected_again_from_the_panel(merchant, site_url, started):
    # given a WooCommerce connection the merchant disconnected
    client, store = merchant
    _, key, secret = api_key_create(
        site=WooSite.objects.get(handle="northwind"), description="x", permissions="read_write"
    )
    form = {"site_url": site_url, "consumer_key": key, "consumer_secret": secret}
    client.post(reverse("stores:woocommerce_paste"), form)
    connection = PlatformConnection.objects.get(store=store)
    webhook_secret = connection.webhook_secret
    client.post(reverse("stores:connection_disconnect", args=[connection.pk]))
    # then the panel offers the store forms again
    page = client.get(reverse("stores:connections")).content.decode()
    assert 'id="connect-woocommerce"' in page, PlatformConnection.objects.values_list("status")
    # and connecting again brings the same connection back, with its webhook secret
    client.post(reverse("stores:woocommerce_paste"), form)
    connection.refresh_from_db()
    assert PlatformConnection.objects.count() == 1 and connection.status == ConnectionStatus.ACTIVE
    assert connection.webhook_secret == webhook_secret and started == [connection.pk, connection.pk]


def test_a_store_connection_that_went_bad_is_reconnected_through_the_store_forms(merchant, site_url, started):
    # given a WooCommerce connection that is no longer active
    client, store = merchant
    _, key, secret = api_key_create(
        site=WooSite.objects.get(handle="northwind"), description="x", permissions="read_write"
    )
    client.post(
        reverse("stores:woocommerce_paste"), {"site_url": site_url, "consumer_key": key, "consumer_secret": secret}
    )
    PlatformConnection.objects.filter(store=store).update(status=ConnectionStatus.EXPIRED)
    # when the panel is shown
    page = client.get(reverse("stores:connections")).content.decode()
    # then its reconnect leads to the store forms, which are offered again, not to an OAuth consent
    assert 'href="#connect-store"' in page and 'id="connect-woocommerce"' in page
    assert reverse("stores:connection_connect", args=["woocommerce"]) not in page
