"""The campaign lifecycle through the services and tasks, against the sandbox over real HTTP: exactly-once
creation under faults, pause / resume / budget / archive reaching the platform, refusals, holds."""

import datetime as dt

import pytest
import requests
from django.utils import timezone

from ads.models import ActionKind, ActionResult, AdCampaign, CampaignStatus
from ads.services import (
    campaign_archive,
    campaign_change_budget,
    campaign_create,
    campaign_pause,
    campaign_resume,
    campaigns_hold_for_connection,
    campaigns_release_for_connection,
    committed_daily_budget,
)
from ads.tasks import retry_delay
from platforms.constants import GOOGLE_ADS, META_ADS, TIKTOK_ADS
from platforms.errors import RateLimited, Transient
from sandbox.models import SandboxAdObject, SandboxFault, SandboxToken
from stores.actors import SYSTEM, Actor
from stores.exceptions import ApplicationError
from stores.models import ConnectionStatus

pytestmark = pytest.mark.django_db(transaction=True)

PLATFORMS = pytest.mark.parametrize(
    "platform", [META_ADS, GOOGLE_ADS, TIKTOK_ADS], ids=["on Meta", "on Google Ads", "on TikTok"]
)


def create(store, creative, platform=META_ADS, *, budget=5000, activate=False, name="Spring socks", objective="sales"):
    return campaign_create(
        store=store,
        platform=platform,
        name=name,
        objective=objective,
        daily_budget_minor=budget,
        creative=creative,
        actor=SYSTEM,
        activate=activate,
    )


def at_sandbox(campaign):
    return SandboxAdObject.objects.get(platform=campaign.platform, external_id=campaign.external_campaign_id)


def delivery(campaign):
    last = at_sandbox(campaign).history.order_by("-at", "-pk").first()
    return last.delivering, last.daily_budget_minor


@PLATFORMS
def test_a_created_campaign_is_made_at_the_platform_paused_then_activated_when_asked(
    platform, store, connections, ad_settings, creative, eager_tasks, sandbox_url
):
    # when a campaign is created and asked to start
    campaign = create(store, creative, platform, activate=True)
    campaign.refresh_from_db()
    # then the platform has it, delivering at its budget, under its intent-tagged name
    assert campaign.status == CampaignStatus.ACTIVE
    assert at_sandbox(campaign).name == campaign.platform_name
    assert delivery(campaign) == (True, 5000)
    # and the landing link carries our UTM tags
    ad = SandboxAdObject.objects.get(platform=platform, kind="ad", campaign=at_sandbox(campaign))
    assert f"utm_campaign=gh-ad-{campaign.pk}" in ad.landing_url
    # and the log says what happened
    kinds = list(campaign.actions.order_by("pk").values_list("kind", "result"))
    assert kinds == [(ActionKind.CREATE, ActionResult.APPLIED), (ActionKind.ACTIVATE, ActionResult.APPLIED)]


@PLATFORMS
def test_pause_resume_budget_and_archive_reach_the_platform(
    platform, store, connections, ad_settings, creative, eager_tasks, sandbox_url
):
    # given an active campaign
    campaign = create(store, creative, platform, activate=True)
    campaign.refresh_from_db()
    # when it is paused, its budget raised, resumed and archived
    campaign_pause(campaign=campaign, actor=SYSTEM, reason="test")
    assert delivery(campaign)[0] is False
    campaign_change_budget(campaign=campaign, daily_budget_minor=8000, actor=SYSTEM)
    campaign_resume(campaign=campaign, actor=SYSTEM)
    assert delivery(campaign) == (True, 8000)
    campaign_archive(campaign=campaign, actor=SYSTEM)
    # then the platform follows each step, and every action applied
    assert delivery(campaign)[0] is False
    campaign.refresh_from_db()
    assert (campaign.status, campaign.daily_budget_minor) == (CampaignStatus.ARCHIVED, 8000)
    assert set(campaign.actions.values_list("result", flat=True)) == {ActionResult.APPLIED}


def test_fifty_campaigns_created_under_faults_are_fifty_at_the_platform(
    store, connections, ad_settings, creative, eager_tasks, sandbox_url, settings
):
    # given Meta (no idempotency key) failing a third of the calls: 20 % 5xx, 10 % 429 and 5 % timeouts after
    # doing the work (the read timeout sits well above a normal answer, so only injected timeouts fire)
    # A read timeout well above a busy sandbox's answer time: the timeouts this test meets are the injected ones.
    settings.PLATFORM_HTTP_READ_TIMEOUT = 1.0
    SandboxFault.objects.create(
        platform=META_ADS,
        error_rate=0.2,
        rate_limit_rate=0.1,
        retry_after_seconds=1,
        timeout_rate=0.05,
        timeout_seconds=1.2,
        seed=7,
    )
    # (a first request loads the sandbox's views, so that no answer but the injected ones is slow)
    requests.get(f"{sandbox_url}/meta_ads/v25.0/me", timeout=5)
    # when fifty campaigns are created
    campaigns = [create(store, creative, META_ADS, name=f"Sock drop {n}") for n in range(50)]
    # then every one is paused and complete, and the platform holds exactly fifty chains, one of each level
    statuses = AdCampaign.objects.filter(pk__in=[c.pk for c in campaigns]).values_list("status", "last_error")
    assert [s for s, _ in statuses] == [CampaignStatus.PAUSED] * 50, [e for _, e in statuses if e]
    for kind in ("campaign", "adset", "creative", "ad"):
        assert SandboxAdObject.objects.filter(platform=META_ADS, kind=kind).count() == 50
    names = set(SandboxAdObject.objects.filter(platform=META_ADS, kind="campaign").values_list("name", flat=True))
    assert names == {c.platform_name for c in campaigns}
    # and faults really happened: creations needed more attempts, some more than the old flat budget of nine
    attempts = list(AdCampaign.objects.values_list("create_attempts", flat=True))
    assert sum(attempts) > 50 * 2


def test_a_platform_refusal_puts_the_campaign_in_error_and_frees_its_budget(
    store, connections, ad_settings, creative, eager_tasks, sandbox_url
):
    # given a creative with no primary text, which TikTok refuses at the ad step
    creative.primary_text = ""
    creative.save()
    # when a campaign that should start active is created
    campaign = create(store, creative, TIKTOK_ADS, activate=True, budget=5000)
    campaign.refresh_from_db()
    # then it is in error with TikTok's message, its creation failed, and its budget no longer counts
    assert campaign.status == CampaignStatus.ERROR
    assert campaign.last_error == "The parameter ad_text is required."
    action = campaign.actions.get()
    assert (action.kind, action.result, action.error) == (
        ActionKind.CREATE,
        ActionResult.FAILED,
        "The parameter ad_text is required.",
    )
    assert committed_daily_budget(store=store) == 0
    # and nothing at TikTok delivers
    assert not SandboxAdObject.objects.filter(platform=TIKTOK_ADS, kind="ad").exists()


@pytest.mark.parametrize(
    ("platform", "budget", "code"),
    [
        (META_ADS, 99, "budget_below_minimum"),
        (TIKTOK_ADS, 1999, "budget_below_minimum"),
        (META_ADS, 20_001, "campaign_budget_over_maximum"),
    ],
    ids=["Meta under 1.00", "TikTok under 20.00", "over the per-campaign maximum"],
)
def test_budgets_outside_the_limits_are_refused_before_anything_is_sent(
    platform, budget, code, store, connections, ad_settings, creative, eager_tasks, sandbox_url
):
    with pytest.raises(ApplicationError) as refused:
        create(store, creative, platform, budget=budget)
    assert refused.value.code == code
    assert not AdCampaign.objects.exists()
    assert not SandboxAdObject.objects.exists()


def test_google_refuses_awareness_and_a_creative_without_enough_headlines(
    store, connections, ad_settings, creative, eager_tasks, sandbox_url
):
    with pytest.raises(ApplicationError) as refused:
        create(store, creative, GOOGLE_ADS, objective="awareness")
    assert refused.value.code == "invalid_objective"
    creative.headlines = ["Only one"]
    creative.save()
    with pytest.raises(ApplicationError) as refused:
        create(store, creative, GOOGLE_ADS)
    assert refused.value.message == "Google search ads need at least 3 headlines and 2 descriptions."
    assert not AdCampaign.objects.exists()


def test_an_unconnected_or_expired_platform_is_refused(store, ad_settings, creative, connections):
    connections[META_ADS].status = ConnectionStatus.EXPIRED
    connections[META_ADS].save()
    with pytest.raises(ApplicationError) as refused:
        create(store, creative, META_ADS)
    assert refused.value.code == "reconnect"
    connections[META_ADS].delete()
    with pytest.raises(ApplicationError) as refused:
        create(store, creative, META_ADS)
    assert (refused.value.code, refused.value.message) == ("not_connected", "Connect a Meta Ads ad account first.")


def test_the_daily_cap_refuses_an_activation_with_the_numbers(
    store, connections, ad_settings, creative, eager_tasks, sandbox_url
):
    # given a cap of 100.00 and 80.00 already active
    ad_settings.daily_spend_cap_minor = 10_000
    ad_settings.save()
    create(store, creative, META_ADS, budget=8000, activate=True)
    paused = create(store, creative, TIKTOK_ADS, budget=3000)
    # when a 30.00 campaign is resumed
    with pytest.raises(ApplicationError) as refused:
        campaign_resume(campaign=paused, actor=SYSTEM)
    # then it is refused with the numbers, and stays paused here and at the platform
    assert refused.value.message == (
        "Active daily budgets would total USD 110.00, over the store's daily spend cap of USD 100.00 "
        "(USD 80.00 is already committed to other campaigns; at most USD 20.00 is left)."
    )
    assert refused.value.extra == {
        "cap_minor": 10_000,
        "committed_minor": 8000,
        "requested_minor": 3000,
        "available_minor": 2000,
    }
    paused.refresh_from_db()
    assert paused.status == CampaignStatus.PAUSED
    assert delivery(paused)[0] is False
    # and a budget raise of the active one past the cap is refused too
    active = AdCampaign.objects.get(platform=META_ADS)
    with pytest.raises(ApplicationError):
        campaign_change_budget(campaign=active, daily_budget_minor=10_001, actor=SYSTEM)
    active.refresh_from_db()
    assert active.daily_budget_minor == 8000
    assert not active.actions.filter(kind=ActionKind.BUDGET).exists()


def test_an_expired_token_during_a_change_marks_the_connection_expired_and_holds_its_campaigns(
    store, connections, ad_settings, creative, eager_tasks, sandbox_url
):
    # given an active Meta campaign whose token the platform then expires
    campaign = create(store, creative, META_ADS, activate=True)
    campaign.refresh_from_db()
    SandboxToken.objects.filter(platform=META_ADS).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    # when it is paused
    action = campaign_pause(campaign=campaign, actor=SYSTEM, reason="test")
    # then the connection is expired, the campaign held, and the pause waits for the reconnect
    connection = connections[META_ADS]
    connection.refresh_from_db()
    campaign.refresh_from_db()
    action.refresh_from_db()
    assert connection.status == ConnectionStatus.EXPIRED
    assert (campaign.status, campaign.status_before_hold) == (CampaignStatus.HELD, CampaignStatus.PAUSED)
    assert action.result == ActionResult.PENDING
    assert delivery(campaign)[0] is True
    # when the merchant reconnects (a fresh token) and the campaigns are released
    SandboxToken.objects.filter(platform=META_ADS).update(expires_at=timezone.now() + dt.timedelta(hours=1))
    connection.status = ConnectionStatus.ACTIVE
    connection.save()
    assert campaigns_release_for_connection(connection=connection) == 1
    # then the pause is pushed at last
    campaign.refresh_from_db()
    action.refresh_from_db()
    assert (campaign.status, action.result) == (CampaignStatus.PAUSED, ActionResult.APPLIED)
    assert delivery(campaign)[0] is False


def test_hold_and_release_count_only_live_campaigns_of_that_connection(store, connections, ad_settings, creative):
    # given two draft campaigns on Meta and one on TikTok (no tasks run here)
    meta = [create(store, creative, META_ADS, name=f"M{n}") for n in range(2)]
    create(store, creative, TIKTOK_ADS, name="T")
    AdCampaign.objects.filter(pk=meta[1].pk).update(status=CampaignStatus.ARCHIVED)
    # when Meta's connection goes bad
    held = campaigns_hold_for_connection(connection=connections[META_ADS], reason="Token expired")
    # then only the live Meta campaign is held, with its reason
    assert held == 1
    meta[0].refresh_from_db()
    assert (meta[0].status, meta[0].hold_reason) == (CampaignStatus.HELD, "Token expired")
    assert AdCampaign.objects.get(platform=TIKTOK_ADS).status == CampaignStatus.DRAFT
    # and a held campaign cannot be changed
    with pytest.raises(ApplicationError) as refused:
        campaign_pause(campaign=meta[0], actor=SYSTEM)
    assert refused.value.code == "campaign_held"


def test_pausing_a_draft_cancels_its_activation_and_resuming_a_draft_asks_for_it(
    store, connections, ad_settings, creative
):
    draft = create(store, creative, META_ADS, activate=True)
    campaign_pause(campaign=draft, actor=SYSTEM)
    draft.refresh_from_db()
    assert draft.activate_on_create is False
    campaign_resume(campaign=draft, actor=SYSTEM)
    draft.refresh_from_db()
    assert draft.activate_on_create is True
    with pytest.raises(ApplicationError) as refused:
        campaign_archive(campaign=draft, actor=SYSTEM)
    assert refused.value.code == "invalid_transition"


def test_an_analyst_cannot_change_campaigns(store, connections, ad_settings, creative, analyst):
    membership = analyst.memberships.get()
    create(store, creative, META_ADS)
    with pytest.raises(ApplicationError) as refused:
        campaign_create(
            store=store,
            platform=META_ADS,
            name="x",
            objective="sales",
            daily_budget_minor=5000,
            creative=creative,
            actor=Actor.member(membership),
        )
    assert refused.value.status_code == 403
    assert AdCampaign.objects.count() == 1


@pytest.mark.parametrize(
    ("error", "retries", "delay"),
    [
        (Transient("x"), 0, 5),
        (Transient("x"), 3, 40),
        (Transient("x"), 12, 900),
        (RateLimited("x", retry_after=120), 0, 120),
        (RateLimited("x", retry_after=1), 2, 20),
    ],
    ids=[
        "first retry after 5 s",
        "doubling",
        "capped at 15 min",
        "a long retry-after wins",
        "backoff wins over a short retry-after",
    ],
)
def test_retry_delay_backs_off_and_honours_retry_after(error, retries, delay):
    assert retry_delay(error, retries) == delay
