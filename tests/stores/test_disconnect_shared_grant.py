"""Disconnecting one store must not cut off another store connected as the same platform user.

Meta's revoke (``DELETE /me/permissions``) ends every token the user gave the app, so a disconnect skips it while
another Growth Hub connection rests on the same Meta user, forgets the tokens here only and says so. Through the
sandbox on the live server: two stores connect Meta Ads as the same sandbox user with the real consent flow.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from platforms.constants import META_ADS
from platforms.errors import AuthExpired
from platforms.registry import oauth_platform
from sandbox.models import SandboxToken
from sandbox.services import sandbox_bootstrap
from stores.models import ConnectionStatus, PlatformConnection, Role
from tests.stores.connection_helpers import connect

pytestmark = pytest.mark.django_db(transaction=True)

SHARED = (
    "Disconnected here; the Meta Ads grant stays because another Growth Hub connection uses the same Meta Ads account."
)


@pytest.fixture
def sandbox(sandbox_url):
    sandbox_bootstrap()
    return sandbox_url


def connect_meta(client, store, ad_account_id: str) -> PlatformConnection:
    """Consent as the sandbox's first Meta user and pick ``ad_account_id``."""
    response = connect(client, META_ADS)
    assert response.status_code == 302
    assert client.post(response["Location"], {"ad_account": ad_account_id}).status_code == 302
    return PlatformConnection.objects.get(store=store, platform=META_ADS)


def disconnect(client, connection: PlatformConnection) -> str:
    """Disconnect from the connections page; returns the message the merchant is shown about it."""
    response = client.post(reverse("stores:connection_disconnect", args=[connection.pk]))
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def test_disconnecting_one_store_keeps_the_grant_another_store_uses(
    sandbox, owner_client, store, other_store, client_as
):
    # given store A and store B both connected to Meta Ads as the same Meta user
    first = connect_meta(owner_client, store, "act_1000001")
    other_client = client_as(other_store, Role.OWNER)
    second = connect_meta(other_client, other_store, "act_1000002")
    assert first.external_account_id == second.external_account_id
    second_sandbox_token = SandboxToken.objects.get(access_token=second.access_token)
    spec = oauth_platform(META_ADS)

    # when store B disconnects
    message = disconnect(other_client, second)

    # then B's tokens are forgotten here and the merchant is told the grant stays
    second.refresh_from_db()
    assert message == SHARED
    assert second.status == ConnectionStatus.REVOKED
    assert (second.access_token_encrypted, second.refresh_token_encrypted) == ("", "")
    assert list(second.events.order_by("id").values_list("kind", flat=True)) == [
        "connected",
        "grant_kept",
        "disconnected",
    ]
    # and the platform revoked nothing: store A's token still works there and its connection stays active
    second_sandbox_token.refresh_from_db()
    assert second_sandbox_token.revoked_at is None
    first.refresh_from_db()
    assert first.status == ConnectionStatus.ACTIVE
    assert spec.fetch_account(access_token=first.access_token).id == first.external_account_id
    assert [a.id for a in spec.list_ad_accounts(access_token=first.access_token)] == ["act_1000001", "act_1000002"]
    assert list(first.events.values_list("kind", flat=True)) == ["connected"]


def test_the_last_connection_on_a_grant_revokes_it_at_the_platform(
    sandbox, owner_client, store, other_store, client_as
):
    # given both stores connected as the same Meta user, and store B already disconnected (grant kept)
    first = connect_meta(owner_client, store, "act_1000001")
    other_client = client_as(other_store, Role.OWNER)
    second = connect_meta(other_client, other_store, "act_1000002")
    first_token = first.access_token
    disconnect(other_client, second)

    # when store A, now the only connection on that grant, disconnects
    message = disconnect(owner_client, first)

    # then Meta revokes the grant as before: every token of that user for the app stops working
    first.refresh_from_db()
    assert message == "Meta Ads is disconnected and its access revoked."
    assert first.status == ConnectionStatus.REVOKED
    assert list(first.events.order_by("id").values_list("kind", flat=True)) == ["connected", "disconnected"]
    assert SandboxToken.objects.filter(platform=META_ADS, revoked_at__isnull=True).count() == 0
    with pytest.raises(AuthExpired):
        oauth_platform(META_ADS).fetch_account(access_token=first_token)


def test_an_expired_connection_on_the_same_user_does_not_keep_the_grant(
    sandbox, owner_client, store, other_store, client_as
):
    # given store B's connection as the same Meta user has expired (it needs a new consent anyway)
    first = connect_meta(owner_client, store, "act_1000001")
    other_client = client_as(other_store, Role.OWNER)
    second = connect_meta(other_client, other_store, "act_1000002")
    PlatformConnection.objects.filter(pk=second.pk).update(status=ConnectionStatus.EXPIRED)
    first_sandbox_token = SandboxToken.objects.get(access_token=first.access_token)

    # when store A disconnects
    message = disconnect(owner_client, first)

    # then the grant is revoked at Meta
    first_sandbox_token.refresh_from_db()
    assert message == "Meta Ads is disconnected and its access revoked."
    assert first_sandbox_token.revoked_at is not None
