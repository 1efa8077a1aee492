"""The ads agent keeps each ad connection's health true: calls that work record a success, failures record the
platform's message, and a refused token goes through stores.connections (event, owners told, campaigns held)."""

import datetime as dt

import pytest
from django.utils import timezone

from ads.models import ActionResult, CampaignStatus
from ads.services import campaign_action_apply, campaign_change_budget, campaign_create, campaign_pause
from ads.services.insights import insights_sync_for_connection
from platforms.constants import META_ADS, TIKTOK_ADS
from platforms.errors import Transient
from sandbox.models import SandboxFault, SandboxToken
from stores.actors import SYSTEM
from stores.models import ConnectionEvent, ConnectionEventKind, ConnectionStatus

pytestmark = pytest.mark.django_db(transaction=True)


def active_campaign(store, creative, platform=META_ADS):
    campaign = campaign_create(
        store=store,
        platform=platform,
        name="Socks",
        objective="sales",
        daily_budget_minor=5000,
        creative=creative,
        actor=SYSTEM,
        activate=True,
    )
    campaign.refresh_from_db()
    return campaign


def test_a_created_campaign_records_a_success_on_its_connection(
    store, connections, ad_settings, creative, eager_tasks, sandbox_url
):
    connection = connections[TIKTOK_ADS]
    assert connection.last_success_at is None
    before = timezone.now()
    active_campaign(store, creative, TIKTOK_ADS)
    connection.refresh_from_db()
    assert connection.last_success_at >= before
    assert (connection.status, connection.last_failure_at, connection.last_error) == ("active", None, "")


def test_a_failing_platform_records_the_failure_and_leaves_the_connection_active(
    store, connections, ad_settings, creative, eager_tasks, sandbox_url
):
    # given an active campaign, then Meta answering every call with a 5xx
    campaign = active_campaign(store, creative)
    SandboxFault.objects.create(platform=META_ADS, error_rate=1.0)
    action = campaign_pause(campaign=campaign, actor=SYSTEM, reason="test")
    # when the change is pushed (the task gave up after its retries; pushing once more raises for a retry)
    with pytest.raises(Transient):
        campaign_action_apply(action_id=action.pk)
    # then the connection says when and why it failed, and stays active: nothing is held for a passing outage
    connection = connections[META_ADS]
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.last_failure_at is not None
    assert connection.last_error == "An unexpected error has occurred. Please retry."
    action.refresh_from_db()
    assert action.result == ActionResult.PENDING
    assert not ConnectionEvent.objects.filter(connection=connection).exists()


def test_a_refusal_of_the_request_is_not_a_connection_failure(
    store, connections, ad_settings, creative, eager_tasks, sandbox_url
):
    # given an active TikTok campaign whose ad group the platform no longer knows
    campaign = active_campaign(store, creative, TIKTOK_ADS)
    type(campaign).objects.filter(pk=campaign.pk).update(external_adset_id="1800000000000000000")
    connection = connections[TIKTOK_ADS]
    connection.refresh_from_db()
    answered = connection.last_success_at
    # when its budget change is refused
    action = campaign_change_budget(campaign=campaign, daily_budget_minor=6000, actor=SYSTEM)
    action.refresh_from_db()
    assert action.result == ActionResult.FAILED
    # then the connection only records that the platform answered
    connection.refresh_from_db()
    assert connection.last_success_at > answered
    assert (connection.status, connection.last_failure_at, connection.last_error) == ("active", None, "")


def test_a_refused_token_during_the_insights_sync_expires_the_connection_tells_the_owners_and_holds(
    store, owner, connections, ad_settings, creative, eager_tasks, sandbox_url, mailoutbox
):
    # given an active Meta campaign, then its token refused by Meta
    campaign = active_campaign(store, creative)
    SandboxToken.objects.filter(platform=META_ADS).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    connection = connections[META_ADS]
    # when the insights are synced
    assert insights_sync_for_connection(connection_id=connection.pk, days=2) == 0
    # then the connection is expired with an event saying why, the owners are told, and the campaign is held
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.EXPIRED
    event = ConnectionEvent.objects.get(connection=connection)
    assert (event.kind, event.reason) == (ConnectionEventKind.EXPIRED, connection.last_error)
    assert "expired" in event.reason
    assert [m.to for m in mailoutbox] == [[owner.email]]
    campaign.refresh_from_db()
    assert (campaign.status, campaign.status_before_hold) == (CampaignStatus.HELD, CampaignStatus.ACTIVE)
    # and a second refusal changes nothing more
    assert insights_sync_for_connection(connection_id=connection.pk, days=2) == 0
    assert ConnectionEvent.objects.filter(connection=connection).count() == 1
    assert len(mailoutbox) == 1
