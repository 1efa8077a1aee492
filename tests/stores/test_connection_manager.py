"""Connection health, expiry warnings, key rotation, the hub's connections manager, the API and admin."""

import datetime as dt
import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from platforms.errors import AuthExpired, Transient
from stores import crypto
from stores.connections.services import (
    connection_mark_expired,
    connection_record_failure,
    connection_record_success,
    connections_warn_expiring,
    oauth_states_purge,
)
from stores.models import ConnectionStatus, OAuthState, PlatformConnection
from tests.factories import StoreFactory, UserFactory
from tests.platform_fixtures import connect_store

NOW = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)


def test_a_successful_call_marks_the_connection_healthy(store):
    # given a connection whose last call failed
    connection = connect_store(store, "x")
    connection_record_failure(connection=connection, error=Transient("X did not answer in time.", platform="x"))

    # when a call succeeds
    connection_record_success(connection=connection)

    # then both times are kept and the connection is still active
    connection.refresh_from_db()
    assert connection.last_success_at > connection.last_failure_at
    assert connection.last_error == "X did not answer in time."
    assert connection.status == ConnectionStatus.ACTIVE


def test_an_auth_failure_of_a_call_expires_the_connection_and_tells_owners(
    store, owner, mailoutbox, django_capture_on_commit_callbacks
):
    # given an active TikTok connection
    connection = connect_store(store, "tiktok")

    # when a call is refused for the token
    refused = AuthExpired("The access token has expired.", platform="tiktok")
    with django_capture_on_commit_callbacks(execute=True):
        connection_record_failure(connection=connection, error=refused)

    # then the connection is expired with the reason, once, and the owner was e-mailed
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.EXPIRED
    assert connection.last_error == "The access token has expired."
    assert list(connection.events.values_list("kind", "reason")) == [("expired", "The access token has expired.")]
    assert connection_mark_expired(connection=connection, reason="again") is False
    assert [m.to for m in mailoutbox] == [["owner@northwind.test"]]


def test_owners_are_warned_once_before_a_token_that_cannot_be_renewed_runs_out(
    store, owner, mailoutbox, settings, django_capture_on_commit_callbacks
):
    # given Meta connections running out in 3 and in 20 days, and an X one (renewable) running out tomorrow
    settings.CONNECTION_EXPIRY_WARNING_DAYS = 7
    soon = connect_store(store, "meta_ads", ad_account_id="act_1000001")
    later = connect_store(store, "meta_ads", ad_account_id="act_1000002")
    renewable = connect_store(store, "x")
    PlatformConnection.objects.filter(pk=soon.pk).update(access_token_expires_at=NOW + dt.timedelta(days=3, hours=1))
    PlatformConnection.objects.filter(pk=later.pk).update(access_token_expires_at=NOW + dt.timedelta(days=20))
    PlatformConnection.objects.filter(pk=renewable.pk).update(access_token_expires_at=NOW + dt.timedelta(days=1))

    # when the daily warning runs twice
    with django_capture_on_commit_callbacks(execute=True):
        first = connections_warn_expiring(now=NOW)
        second = connections_warn_expiring(now=NOW)

    # then only the Meta token due in 3 days is warned about, once
    assert (first, second) == (1, 0)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Meta Ads needs a fresh sign-in in 3 days"
    assert list(soon.events.values_list("kind", flat=True)) == ["expiry_warned"]


def test_key_rotation_reencrypts_every_secret_so_the_old_key_can_go(store, owner, settings):
    # given tokens and a PKCE verifier encrypted with the old key
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    connection = connect_store(store, "pinterest")
    state = OAuthState(state="s1", user=owner, store=store, platform="x", expires_at=timezone.now())
    state.code_verifier = "verifier-123"
    state.save()
    access, refresh = connection.access_token, connection.refresh_token

    # when a new key is put first and the rotation runs
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_encryption_keys", verbosity=0)

    # then with the old key removed everything still decrypts
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    connection.refresh_from_db()
    state.refresh_from_db()
    assert (connection.access_token, connection.refresh_token) == (access, refresh)
    assert state.code_verifier == "verifier-123"
    with pytest.raises(crypto.InvalidToken):
        Fernet(old_key.encode()).decrypt(connection.access_token_encrypted.encode())


def test_stale_oauth_states_are_purged(store, owner):
    # given a consent abandoned two days ago and one just started
    OAuthState.objects.create(state="old", user=owner, store=store, platform="x", expires_at=NOW - dt.timedelta(days=2))
    OAuthState.objects.create(state="new", user=owner, store=store, platform="x", expires_at=NOW)

    # when the purge runs, then only the abandoned one goes
    assert oauth_states_purge(now=NOW) == 1
    assert list(OAuthState.objects.values_list("state", flat=True)) == ["new"]


def test_the_hub_shows_each_connection_with_its_health(owner_client, store, django_assert_num_queries):
    # given an active X connection, an expired TikTok one and a Meta one running out
    connect_store(store, "x")
    expired = connect_store(store, "tiktok")
    PlatformConnection.objects.filter(pk=expired.pk).update(status=ConnectionStatus.EXPIRED, last_error="Refused.")
    meta = connect_store(store, "meta_ads", ad_account_id="act_1000001")
    PlatformConnection.objects.filter(pk=meta.pk).update(access_token_expires_at=timezone.now() + dt.timedelta(days=2))

    # when the owner opens the connections page
    response = owner_client.get(reverse("stores:connections"))

    # then each shows its state, reconnect is offered where needed, and the rest can be connected
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="connection ') == 3
    assert "Refused." in page
    assert page.count(">Reconnect</button>") == 2
    assert "cannot be renewed automatically" in page
    assert 'data-confirm="Disconnect X' in page
    for name in ("Instagram", "Pinterest", "Google Ads", "TikTok Ads"):
        assert f">{name}</button>" in page
    assert "2 need attention" in page
    # and no token reaches the page
    for connection in PlatformConnection.objects.all():
        assert connection.access_token not in page
        assert connection.access_token_encrypted not in page

    # and the panel's query count does not grow with the connections
    connect_store(store, "pinterest")
    with django_assert_num_queries(4):
        owner_client.get(reverse("stores:connections"), headers={"HX-Request": "true"})


def test_the_overview_tab_carries_the_connections_section(owner_client, store):
    connect_store(store, "pinterest")
    response = owner_client.get(reverse("growth:overview"))
    assert response.status_code == 200
    assert 'id="connections-panel"' in response.content.decode()


def test_api_lists_connections_without_tokens(owner_client, store, other_store):
    # given a connection of this store and one of another store
    mine = connect_store(store, "x")
    connect_store(other_store, "pinterest")

    # when the API lists connections
    response = owner_client.get("/api/oauth/connections")

    # then only this store's is listed, without any token
    body = response.json()
    assert response.status_code == 200
    assert [row["id"] for row in body] == [mine.pk]
    assert body[0]["platform"] == "x"
    assert body[0]["status"] == "active"
    assert mine.access_token not in response.content.decode()
    assert mine.refresh_token not in response.content.decode()
    assert "token" not in "".join(body[0].keys())


def test_api_authorize_returns_the_consent_url(owner_client, store, settings):
    settings.SANDBOX_BASE_URL = "http://sandbox.test/sandbox"
    response = owner_client.post(
        "/api/oauth/authorize", data=json.dumps({"platform": "pinterest"}), content_type="application/json"
    )
    assert response.status_code == 200
    url = response.json()["authorization_url"]
    state = OAuthState.objects.get()
    assert url.startswith(
        "http://sandbox.test/sandbox/pinterest/oauth/?response_type=code&client_id=growthhub-pinterest"
    )
    assert f"state={state.state}" in url
    assert state.store == store


def test_api_authorize_refuses_unknown_platforms_and_analysts(client, analyst, store):
    client.force_login(analyst)
    response = client.post("/api/oauth/authorize", data={"platform": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert OAuthState.objects.count() == 0


def test_api_authorize_refuses_an_unknown_platform(owner_client):
    response = owner_client.post(
        "/api/oauth/authorize", data=json.dumps({"platform": "myspace"}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_platform"
    assert OAuthState.objects.count() == 0


def test_admin_shows_no_token(client, store):
    # given staff and a connection
    staff = UserFactory(email="staff@growthhub.test", is_staff=True, is_superuser=True)
    client.force_login(staff)
    connection = connect_store(store, "google_ads", ad_account_id="1234567890")

    # when staff open the list and the change page
    pages = [
        client.get(reverse("admin:stores_platformconnection_changelist")),
        client.get(reverse("admin:stores_platformconnection_change", args=[connection.pk])),
    ]

    # then neither shows a token, plain or encrypted
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        for secret in (connection.access_token, connection.refresh_token, connection.access_token_encrypted):
            assert secret not in html


def test_a_member_of_another_store_cannot_disconnect(client, store):
    # given a connection of this store and a marketer of another store
    connection = connect_store(store, "x")
    outsider = UserFactory(email="someone@contoso.test")
    from tests.factories import MembershipFactory

    MembershipFactory(store=StoreFactory(slug="contoso-2"), user=outsider)
    client.force_login(outsider)

    # when they post a disconnect for it
    response = client.post(reverse("stores:connection_disconnect", args=[connection.pk]))

    # then it is not found and the connection is untouched
    assert response.status_code == 404
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE


def _pending(owner, store, *, used_at=None) -> OAuthState:
    state = OAuthState(
        state="pending-1",
        user=owner,
        store=store,
        platform="meta_ads",
        expires_at=timezone.now() + dt.timedelta(minutes=10),
        used_at=used_at or timezone.now(),
        pending_account={
            "id": "10200000000000001",
            "name": "Nora Northwind",
            "granted_at": timezone.now().isoformat(),
            "ad_accounts": [
                {"id": "act_1000001", "name": "Northwind US", "currency": "USD"},
                {"id": "act_1000002", "name": "Northwind EU", "currency": "EUR"},
            ],
        },
    )
    state.pending_tokens = json.dumps(
        {"access_token": "at-1", "refresh_token": "", "expires_in": 3600, "refresh_expires_in": None, "scopes": []}
    )
    state.save()
    return state


def test_picking_an_ad_account_not_offered_saves_nothing(owner_client, owner, store):
    # given a consent waiting for a pick
    state = _pending(owner, store)

    # when the merchant posts an ad account that was not offered
    response = owner_client.post(reverse("stores:connection_pick", args=[state.pk]), {"ad_account": "act_9"})

    # then the picker says so and nothing is saved
    assert response.status_code == 400
    assert "Pick one of the ad accounts listed." in response.content.decode()
    assert PlatformConnection.objects.count() == 0


def test_picking_after_the_choice_expired_saves_nothing(owner_client, owner, store):
    state = _pending(owner, store, used_at=timezone.now() - dt.timedelta(hours=1))
    response = owner_client.post(reverse("stores:connection_pick", args=[state.pk]), {"ad_account": "act_1000001"})
    assert response.status_code == 400
    assert "This choice expired. Connect again." in response.content.decode()
    assert PlatformConnection.objects.count() == 0


def test_a_pick_saves_the_chosen_ad_account_with_its_currency(owner_client, owner, store):
    state = _pending(owner, store)
    response = owner_client.post(reverse("stores:connection_pick", args=[state.pk]), {"ad_account": "act_1000002"})
    assert response.status_code == 302
    connection = PlatformConnection.objects.get()
    assert (connection.ad_account_id, connection.ad_account_currency) == ("act_1000002", "EUR")
    assert connection.access_token == "at-1"
    state.refresh_from_db()
    assert state.pending_tokens_encrypted == ""
    assert owner_client.get(reverse("stores:connection_pick", args=[state.pk])).status_code == 404


def test_connect_over_htmx_redirects_the_browser(owner_client, settings):
    settings.SANDBOX_BASE_URL = "http://sandbox.test/sandbox"
    response = owner_client.post(reverse("stores:connection_connect", args=["x"]), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("http://sandbox.test/sandbox/x/i/oauth2/authorize?")


def test_disconnect_over_htmx_answers_the_panel(owner_client, store, settings):
    # given an Instagram connection (Instagram offers no revoke)
    connection = connect_store(store, "instagram")

    # when it is disconnected from the panel
    response = owner_client.post(
        reverse("stores:connection_disconnect", args=[connection.pk]), headers={"HX-Request": "true"}
    )

    # then the panel comes back without it, and the merchant is told the platform could not confirm a revoke
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="connection-{connection.pk}"' not in page
    assert "Instagram is disconnected; Instagram did not confirm the revoke." in page
    assert list(connection.events.values_list("kind", flat=True)) == ["disconnected", "revoke_failed"]


def test_the_beat_task_queues_one_refresh_per_due_connection(store, monkeypatch, django_capture_on_commit_callbacks):
    # given one connection expiring in 5 minutes and one in a day
    from stores import tasks

    due = connect_store(store, "x")
    connect_store(store, "pinterest")
    PlatformConnection.objects.filter(pk=due.pk).update(
        access_token_expires_at=timezone.now() + dt.timedelta(minutes=5)
    )
    PlatformConnection.objects.exclude(pk=due.pk).update(access_token_expires_at=timezone.now() + dt.timedelta(days=1))
    queued = []
    monkeypatch.setattr(tasks.connection_refresh_task, "delay", queued.append)

    # when beat runs the task, then only the due connection is queued
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.connections_refresh_due_task() == 1
    assert queued == [due.pk]
    assert tasks.connections_warn_expiring_task() == 0
    assert tasks.oauth_states_purge_task() == 0
