"""Campaigns end: the end date travels to each platform with the campaign (Meta ad set end_time, Google campaign
endDateTime, TikTok ad group schedule_end_time), the sandbox spends nothing after it, and beat marks the campaign
completed, which frees its budget under the store's cap."""

import datetime as dt

import pytest
from django.utils import timezone

from ads.models import ActionKind, ActionResult, AdCampaign, CampaignStatus
from ads.services import (
    campaign_create,
    campaign_end_for,
    campaigns_complete_due,
    campaigns_hold_for_connection,
    committed_daily_budget,
)
from ads.tasks import ads_campaigns_complete_task
from growth.schedule import SCHEDULES
from platforms.constants import GOOGLE_ADS, META_ADS, TIKTOK_ADS
from sandbox.ads import market
from sandbox.models import SandboxAdObject
from stores.actors import SYSTEM
from stores.exceptions import ApplicationError
from tests.ads.conftest import age_sandbox_campaign

PLATFORMS = pytest.mark.parametrize(
    "platform", [META_ADS, GOOGLE_ADS, TIKTOK_ADS], ids=["on Meta", "on Google Ads", "on TikTok"]
)


def create(store, creative, platform=META_ADS, *, end_at=None, activate=True, budget=5000):
    return campaign_create(
        store=store,
        platform=platform,
        name="Winter socks",
        objective="sales",
        daily_budget_minor=budget,
        creative=creative,
        actor=SYSTEM,
        activate=activate,
        end_at=end_at,
    )


@PLATFORMS
@pytest.mark.django_db(transaction=True)
def test_the_end_date_reaches_the_platform_and_nothing_is_spent_after_it(
    platform, store, connections, ad_settings, creative, catalog, eager_tasks, sandbox_url
):
    # given a campaign that runs through the day after tomorrow (the store's calendar)
    local_today = timezone.localtime(timezone.now(), store.tzinfo).date()
    end_at = campaign_end_for(store=store, last_day=local_today + dt.timedelta(days=2))
    campaign = create(store, creative, platform, end_at=end_at)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE
    # then the platform holds the end where its API takes it
    remote = SandboxAdObject.objects.get(platform=platform, external_id=campaign.external_campaign_id)
    holder = remote if platform == GOOGLE_ADS else SandboxAdObject.objects.get(platform=platform, kind="adset")
    assert dt.datetime.fromisoformat(holder.data["end_time"]) == end_at
    assert market.serving_end(remote) == end_at
    # when the sandbox reports the days around the end, as seen a week later
    age_sandbox_campaign(platform, campaign.external_campaign_id, days=3)
    remote.refresh_from_db()
    later = end_at + dt.timedelta(days=5)
    days = market.simulate_range(
        remote, local_today - dt.timedelta(days=3), local_today + dt.timedelta(days=6), now=later
    )
    # then every day up to the last one spent, and none after it
    spent = [d.date for d in days if d.spend_minor]
    assert spent[-1] == local_today + dt.timedelta(days=2)
    assert len(spent) == 6
    assert all(d.spend_minor <= 5000 for d in days)


@pytest.mark.django_db(transaction=True)
def test_google_is_sent_the_last_second_of_the_last_day_in_the_account_zone(
    store, connections, ad_settings, creative, eager_tasks, sandbox_url
):
    end_at = campaign_end_for(store=store, last_day=timezone.now().date() + dt.timedelta(days=30))
    campaign = create(store, creative, GOOGLE_ADS, end_at=end_at, activate=False)
    campaign.refresh_from_db()
    remote = SandboxAdObject.objects.get(platform=GOOGLE_ADS, external_id=campaign.external_campaign_id)
    assert remote.data["endDateTime"] == f"{(timezone.now().date() + dt.timedelta(days=30)).isoformat()} 23:59:59"


@pytest.mark.django_db
def test_an_end_in_the_past_is_refused_and_nothing_is_recorded(store, connections, ad_settings, creative):
    with pytest.raises(ApplicationError, match="end date must be in the future") as refused:
        create(store, creative, end_at=timezone.now() - dt.timedelta(minutes=1))
    assert refused.value.code == "invalid_dates"
    assert not AdCampaign.objects.exists()


def _campaign(store, connection, creative, *, status, end_at, budget=5000):
    return AdCampaign.objects.create(
        store=store,
        platform=META_ADS,
        connection=connection,
        name=f"{status} campaign",
        status=status,
        daily_budget_minor=budget,
        currency="USD",
        creative=creative,
        end_at=end_at,
        external_campaign_id=f"1202{AdCampaign.objects.count():014d}",
    )


@pytest.mark.django_db
def test_campaigns_past_their_end_are_completed_once_and_free_their_budget(store, connections, creative):
    # given active and paused campaigns past their end, one ending later, one held and one with no end
    connection = connections[META_ADS]
    past = timezone.now() - dt.timedelta(minutes=5)
    active = _campaign(store, connection, creative, status=CampaignStatus.ACTIVE, end_at=past, budget=7000)
    paused = _campaign(store, connection, creative, status=CampaignStatus.PAUSED, end_at=past)
    running = _campaign(store, connection, creative, status=CampaignStatus.ACTIVE, end_at=past + dt.timedelta(days=1))
    endless = _campaign(store, connection, creative, status=CampaignStatus.ACTIVE, end_at=None)
    held = _campaign(store, connection, creative, status=CampaignStatus.PAUSED, end_at=past)
    campaigns_hold_for_connection(connection=connection, reason="token refused")
    AdCampaign.objects.filter(pk__in=[active.pk, paused.pk, running.pk, endless.pk]).update(
        status=CampaignStatus.ACTIVE, status_before_hold=""
    )
    AdCampaign.objects.filter(pk=paused.pk).update(status=CampaignStatus.PAUSED)
    assert committed_daily_budget(store=store) == 7000 + 5000 + 5000
    # when beat runs the completion task
    assert ads_campaigns_complete_task.apply().get() == 2
    # then the two past their end are completed, each with one logged action, and their budget is free
    statuses = dict(AdCampaign.objects.values_list("pk", "status"))
    assert statuses == {
        active.pk: CampaignStatus.COMPLETED,
        paused.pk: CampaignStatus.COMPLETED,
        running.pk: CampaignStatus.ACTIVE,
        endless.pk: CampaignStatus.ACTIVE,
        held.pk: CampaignStatus.HELD,
    }
    action = active.actions.get(kind=ActionKind.COMPLETE)
    assert (action.actor_kind, action.result, action.before, action.after) == (
        "system",
        ActionResult.APPLIED,
        {"status": "active"},
        {"status": "completed"},
    )
    assert "Reached its end date" in action.reason
    assert committed_daily_budget(store=store) == 10_000
    # and a second run changes nothing
    assert campaigns_complete_due() == 0
    assert active.actions.filter(kind=ActionKind.COMPLETE).count() == 1


def test_beat_runs_the_completion_every_ten_minutes_with_an_expiry():
    entry = next(s for s in SCHEDULES if s.task == "ads.tasks.ads_campaigns_complete_task")
    assert (entry.every_seconds, entry.expires_seconds) == (600, 540)


@pytest.mark.django_db
def test_the_api_takes_a_last_day_and_answers_the_end(client, store, connections, ad_settings, creative):
    from stores.models import Role
    from stores.services import api_key_create

    key = api_key_create(store=store, name="Ops", created_by=None, role=Role.MARKETER)[1]
    last_day = timezone.now().date() + dt.timedelta(days=10)
    body = {"name": "Socks", "platform": "meta_ads", "daily_budget": 5000, "creative_ids": [creative.pk]}
    response = client.post(
        "/api/ads/campaigns",
        data=body | {"end_date": last_day.isoformat()},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201
    expected = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=store.tzinfo)
    assert AdCampaign.objects.get().end_at == expected
    assert dt.datetime.fromisoformat(response.json()["end_at"]) == expected


@PLATFORMS
@pytest.mark.django_db(transaction=True)
def test_the_platforms_refuse_an_end_that_has_passed(platform, store, connections, ad_settings, creative, sandbox_url):
    # given a chain being created straight through the client, with an end two days ago
    from ads.services import campaign_spec
    from platforms import registry
    from platforms.errors import Rejected

    campaign = AdCampaign.objects.create(
        store=store,
        platform=platform,
        connection=connections[platform],
        name="Late",
        daily_budget_minor=5000,
        currency="USD",
        creative=creative,
        end_at=timezone.now() - dt.timedelta(days=2),
    )
    spec = campaign_spec(campaign)
    client = registry.platform(platform).client(
        access_token=connections[platform].access_token, account_id=connections[platform].ad_account_id
    )
    ids = {}
    holder = "campaign" if platform == GOOGLE_ADS else "adset"
    # when the level that carries the end is created
    with pytest.raises(Rejected, match="must be in the future"):
        for level in client.levels:
            ids[level] = client.create_level(level, spec, ids)
    # then the platform made nothing at that level
    assert holder not in ids
    assert not SandboxAdObject.objects.filter(platform=platform, kind=holder).exists()
