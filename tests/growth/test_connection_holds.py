"""When a connection goes bad the posts and campaigns that use it are held with the reason; a reconnect
releases them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ads.models import AdCampaign, CampaignStatus
from sandbox.services import sandbox_bootstrap
from social.models import PostStatus
from stores.connections.services import connection_mark_expired
from stores.models import PlatformConnection
from tests.platform_fixtures import connect_store
from tests.social.factories import SocialPostFactory
from tests.stores.connection_helpers import connect


@pytest.mark.django_db(transaction=True)
def test_an_expired_connection_holds_its_posts_until_the_merchant_reconnects(sandbox_url, owner_client, store):
    # given a connected X account with a post scheduled for tomorrow
    sandbox_bootstrap(platforms=("x",))
    connect(owner_client, "x")
    connection = PlatformConnection.objects.get(store=store)
    post = SocialPostFactory(
        store=store,
        platform="x",
        connection=connection,
        status=PostStatus.SCHEDULED,
        scheduled_at=timezone.now() + dt.timedelta(days=1),
    )

    # when X refuses the token
    connection_mark_expired(connection=connection, reason="X refused to renew access: revoked.")

    # then the post is held with that reason
    post.refresh_from_db()
    assert post.status == PostStatus.HELD
    assert post.hold_reason == "X refused to renew access: revoked."

    # when the merchant reconnects the same account
    response = connect(owner_client, "x")

    # then the same connection is active again and the post is back in the queue
    assert response.status_code == 302
    connection.refresh_from_db()
    post.refresh_from_db()
    assert PlatformConnection.objects.get(store=store).pk == connection.pk
    assert connection.status == "active"
    assert post.status == PostStatus.SCHEDULED
    assert post.hold_reason == ""


@pytest.mark.django_db
def test_disconnecting_an_ad_account_holds_its_campaigns(client, store, owner, settings):
    # given a Meta connection with a paused campaign, and a platform that cannot be reached
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox"
    settings.PLATFORM_HTTP_CONNECT_TIMEOUT = 0.2
    connection = connect_store(store, "meta_ads", ad_account_id="act_1000001")
    campaign = AdCampaign.objects.create(
        store=store,
        platform="meta_ads",
        connection=connection,
        name="Merino launch",
        status=CampaignStatus.PAUSED,
        daily_budget_minor=5000,
        currency="USD",
    )
    client.force_login(owner)

    # when the owner disconnects it
    response = client.post(reverse("stores:connection_disconnect", args=[connection.pk]))

    # then it is disconnected (the revoke unconfirmed) and the campaign is held with the reason
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.HELD
    assert campaign.status_before_hold == CampaignStatus.PAUSED
    assert campaign.hold_reason == f"Disconnected by {owner.get_username()}."
