"""The whole life of a connection, per platform, over real HTTP against the sandbox on the live server:
connect, consent, callback, stored connection, refresh after the token expires, disconnect with revoke."""

import datetime as dt
import logging

import pytest
from django.db import connection as db
from django.urls import reverse
from django.utils import timezone

from platforms.registry import oauth_platform
from sandbox.models import SandboxApp, SandboxAuthCode, SandboxToken
from sandbox.services import sandbox_bootstrap
from stores.actors import Actor
from stores.connections.selectors import connections_due_for_refresh
from stores.connections.services import connection_disconnect
from stores.models import ConnectionEvent, ConnectionStatus, PlatformConnection
from stores.tasks import connection_refresh_task
from tests.stores.connection_helpers import connect

pytestmark = pytest.mark.django_db(transaction=True)

# platform, ad account to pick ("" = no picker), how its token is renewed, whether disconnect revokes it there
PLATFORM_CASES = [
    pytest.param("tiktok", "", "rotating refresh token", True, id="tiktok renews with a rotating refresh token"),
    pytest.param("instagram", "", "long-lived self refresh", False, id="instagram refreshes its long-lived token"),
    pytest.param("pinterest", "", "rotating refresh token", True, id="pinterest renews with continuous refresh"),
    pytest.param("x", "", "rotating refresh token", True, id="x renews with a rotating refresh token"),
    pytest.param("meta_ads", "act_1000002", "sign in again", True, id="meta ads cannot renew and is reconnected"),
    pytest.param("google_ads", "2345678901", "same refresh token", True, id="google ads keeps its refresh token"),
    pytest.param("tiktok_ads", "7000000000000000002", "never expires", True, id="tiktok ads token never expires"),
]
# The picked ad account as the platform names it: Meta lists name and currency; Google reads them with a GAQL query
# FROM customer, TikTok Ads from advertiser/info.
PICKED = {
    "meta_ads": ("Northwind Outfitters EU", "EUR"),
    "google_ads": ("Northwind Outfitters Shopping", "USD"),
    "tiktok_ads": ("Northwind Outfitters Spark", "USD"),
}


@pytest.fixture
def sandbox(sandbox_url):
    sandbox_bootstrap()
    return sandbox_url


def _sandbox_token(connection: PlatformConnection) -> SandboxToken:
    return SandboxToken.objects.get(access_token=connection.access_token)


def _pick(client, response, ad_account_id: str, platform: str):
    # given the login manages several ad accounts, the callback leads to the picker, which names each with its currency
    assert response.status_code == 302
    assert response["Location"].startswith("/stores/connections/pick/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    name, currency = PICKED[platform]
    assert f'{name} <span class="muted">{ad_account_id} · {currency}</span>' in page.content.decode()
    return client.post(response["Location"], {"ad_account": ad_account_id})


def _expire_everywhere(connection: PlatformConnection) -> None:
    past = timezone.now() - dt.timedelta(seconds=5)
    SandboxToken.objects.filter(access_token=connection.access_token).update(expires_at=past)
    PlatformConnection.objects.filter(pk=connection.pk).update(access_token_expires_at=past)


@pytest.mark.parametrize(("platform", "ad_account", "renewal", "revokes"), PLATFORM_CASES)
def test_a_connection_lives_its_whole_life_against_the_sandbox(
    sandbox, owner_client, owner, store, caplog, mailoutbox, platform, ad_account, renewal, revokes
):
    caplog.set_level(logging.DEBUG)

    # when the merchant connects and allows the consent as the first demo account
    response = connect(owner_client, platform)
    if ad_account:
        response = _pick(owner_client, response, ad_account, platform)

    # then the connection is stored, active, with its account and encrypted tokens, and the hub says so
    assert response.status_code == 302
    assert response["Location"] == reverse("growth:overview")
    connection = PlatformConnection.objects.get(store=store, platform=platform)
    token = _sandbox_token(connection)
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.external_account_id == token.account.external_id
    assert connection.ad_account_id == ad_account
    assert (connection.ad_account_name, connection.ad_account_currency) == PICKED.get(platform, ("", ""))
    assert connection.connected_by == owner
    assert token.access_token not in connection.access_token_encrypted
    spec = oauth_platform(platform)
    assert spec.fetch_account(access_token=connection.access_token).id == connection.external_account_id
    hub = owner_client.get(reverse("growth:overview"))
    assert f"{spec.name} is connected" in hub.content.decode()
    first_access_token, first_refresh_token = connection.access_token, connection.refresh_token

    # when the token expires (or, for Instagram, is about to) and beat runs the refresh
    if renewal == "long-lived self refresh":
        PlatformConnection.objects.filter(pk=connection.pk).update(
            access_token_expires_at=timezone.now() + dt.timedelta(seconds=60)
        )
    elif renewal != "never expires":
        _expire_everywhere(connection)
    due_ids = connections_due_for_refresh()
    outcomes = [connection_refresh_task.apply(args=[pk]).get() for pk in due_ids]
    due = len(due_ids)
    connection.refresh_from_db()

    # then the connection renews as the platform allows
    if renewal == "never expires":
        assert due == 0
        assert connection.access_token == first_access_token
        assert connection.access_token_expires_at is None
    elif renewal == "sign in again":
        assert outcomes == ["skipped"]
        assert connection.status == ConnectionStatus.EXPIRED
        assert "ran out" in connection.last_error
        assert mailoutbox[-1].to == ["owner@northwind.test"]
        # when the merchant reconnects the same account, the same row comes back with its history
        response = _pick(owner_client, connect(owner_client, platform), ad_account, platform)
        assert response.status_code == 302
        reconnected = PlatformConnection.objects.get(store=store, platform=platform)
        assert reconnected.pk == connection.pk
        assert reconnected.status == ConnectionStatus.ACTIVE
        assert list(reconnected.events.order_by("id").values_list("kind", flat=True)) == [
            "connected",
            "expired",
            "reconnected",
        ]
        connection = reconnected
    else:
        assert outcomes == ["active"]
        assert connection.status == ConnectionStatus.ACTIVE
        assert connection.access_token != first_access_token
        assert connection.access_token_expires_at > timezone.now()
        assert spec.fetch_account(access_token=connection.access_token).id == connection.external_account_id
        if renewal == "rotating refresh token":
            assert connection.refresh_token != first_refresh_token
        if renewal == "same refresh token":
            assert connection.refresh_token == first_refresh_token
        assert connection.events.filter(kind="refreshed").count() == 1

    # when the merchant disconnects
    live_token = _sandbox_token(connection)
    response = owner_client.post(reverse("stores:connection_disconnect", args=[connection.pk]))

    # then the tokens are wiped, the connection is revoked, and the platform revoked the grant where it can
    assert response.status_code == 302
    connection.refresh_from_db()
    live_token.refresh_from_db()
    assert connection.status == ConnectionStatus.REVOKED
    assert connection.access_token_encrypted == ""
    assert connection.refresh_token_encrypted == ""
    assert (live_token.revoked_at is not None) is revokes
    assert ConnectionEvent.objects.filter(connection=connection, kind="disconnected").count() == 1

    # and no token, refresh token or consent code appeared in any log line
    secrets = [t.access_token for t in SandboxToken.objects.all()]
    secrets += [t.refresh_token for t in SandboxToken.objects.exclude(refresh_token=None)]
    secrets += [c.code for c in SandboxAuthCode.objects.all()]
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert caplog.records
    assert [s for s in secrets if s in logged] == []


def test_the_raw_row_holds_no_token_in_plain_text(sandbox, owner_client, store):
    # given a connected X account
    connect(owner_client, "x")
    connection = PlatformConnection.objects.get(store=store)
    token = _sandbox_token(connection)

    # when the row is read straight from the database
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM stores_platformconnection WHERE id = %s", [connection.pk])
        raw = " ".join(str(value) for value in cursor.fetchone())

    # then neither token is there in plain text
    assert token.access_token not in raw
    assert token.refresh_token not in raw
    assert connection.access_token == token.access_token


def test_a_refused_refresh_marks_the_connection_expired_and_tells_the_owners(sandbox, owner_client, store, mailoutbox):
    # given a connected Pinterest account whose grant the platform revoked (the app's tokens were all reset)
    connect(owner_client, "pinterest")
    connection = PlatformConnection.objects.get(store=store)
    SandboxToken.objects.update(revoked_at=timezone.now())
    _expire_everywhere(connection)

    # when beat refreshes it
    outcome = connection_refresh_task.apply(args=[connection.pk]).get()

    # then it is expired with the platform's reason, and the owners got an e-mail
    connection.refresh_from_db()
    assert outcome == "expired"
    assert connection.status == ConnectionStatus.EXPIRED
    assert connection.last_error.startswith("Pinterest refused to renew access")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Reconnect Pinterest for Northwind Outfitters"


def test_disconnect_still_wipes_tokens_when_the_platform_is_down(sandbox, owner_client, owner, store):
    # given a connected TikTok account and a platform that answers every call with a 500
    from sandbox.services import sandbox_faults_apply

    connect(owner_client, "tiktok")
    connection = PlatformConnection.objects.get(store=store)
    sandbox_faults_apply(faults={"tiktok": {"error_rate": 1.0}})

    # when the merchant disconnects
    outcome = connection_disconnect(connection=connection, actor=Actor.member(owner.memberships.get(store=store)))

    # then the revoke is reported as unconfirmed but the tokens are gone
    assert outcome == "unconfirmed"
    assert connection.status == ConnectionStatus.REVOKED
    assert connection.access_token_encrypted == ""
    assert list(connection.events.order_by("id").values_list("kind", flat=True)) == [
        "connected",
        "revoke_failed",
        "disconnected",
    ]


def test_sandbox_apps_get_lifetimes_from_settings(db, settings):
    # given short sandbox lifetimes in settings
    settings.SANDBOX_ACCESS_TOKEN_LIFETIME = 30
    settings.SANDBOX_REFRESH_TOKEN_LIFETIME = 90

    # when the sandbox bootstraps twice
    first = sandbox_bootstrap()
    second = sandbox_bootstrap()

    # then apps are created once (the seven platforms and Shopify), with those lifetimes (TikTok Ads tokens never
    # expire)
    assert first == {"apps": 8, "accounts": 24}
    assert second == {"apps": 0, "accounts": 0}
    assert SandboxApp.objects.get(platform="x").access_token_lifetime == 30
    assert SandboxApp.objects.get(platform="x").refresh_token_lifetime == 90
    assert SandboxApp.objects.get(platform="tiktok_ads").access_token_lifetime == 0
