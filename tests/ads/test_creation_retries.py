"""Exactly-once creation, step by step: only a create that went unanswered is looked up before it is sent
again, and the retry budget counts attempts that got nowhere, not attempts that stored another level."""

import time

import pytest
from django.conf import settings

from ads import services
from ads.models import AdCampaign, CampaignStatus
from ads.services import CreationInterrupted, campaign_create, campaign_push_creation
from ads.tasks import campaign_create_task
from platforms.constants import META_ADS
from platforms.errors import Transient
from platforms.meta_ads.ads import MetaAdsClient
from sandbox.models import SandboxAdObject, SandboxFault
from stores.actors import SYSTEM

pytestmark = pytest.mark.django_db(transaction=True)


def draft(store, creative):
    return campaign_create(
        store=store,
        platform=META_ADS,
        name="Sock drop",
        objective="sales",
        daily_budget_minor=5000,
        creative=creative,
        actor=SYSTEM,
    )


@pytest.fixture
def lookups(monkeypatch):
    """The levels the Meta client looks up, in order."""
    seen: list[str] = []
    original = MetaAdsClient.find_level

    def spy(self, level, spec, ids):  # noqa: ANN001, ANN202
        seen.append(level)
        return original(self, level, spec, ids)

    monkeypatch.setattr(MetaAdsClient, "find_level", spy)
    return seen


def test_a_create_that_timed_out_is_looked_up_and_not_made_twice(
    store, connections, ad_settings, creative, sandbox_url, settings, lookups
):
    # given Meta doing the work but answering too late for our read timeout
    read_timeout = settings.PLATFORM_HTTP_READ_TIMEOUT
    settings.PLATFORM_HTTP_READ_TIMEOUT = 0.2
    fault = SandboxFault.objects.create(platform=META_ADS, timeout_rate=1.0, timeout_seconds=0.3)
    campaign = draft(store, creative)
    # when the first attempt times out on the campaign level
    with pytest.raises(CreationInterrupted) as stopped:
        campaign_push_creation(campaign_id=campaign.pk)
    assert (stopped.value.progressed, stopped.value.error.ambiguous) == (False, True)
    campaign.refresh_from_db()
    assert (campaign.unconfirmed_level, campaign.external_campaign_id) == ("campaign", "")
    # (the platform finishes the work it was slow to answer)
    deadline = time.monotonic() + 3
    while not SandboxAdObject.objects.filter(kind="campaign").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert SandboxAdObject.objects.filter(kind="campaign").count() == 1
    # and the next attempt runs with Meta healthy again (and the usual read timeout: a busy machine's sandbox may
    # take longer than 0.2 s to answer a healthy call)
    fault.delete()
    settings.PLATFORM_HTTP_READ_TIMEOUT = read_timeout
    campaign_push_creation(campaign_id=campaign.pk)
    # then it found the campaign it had made, looked nothing else up, and the platform has one of each level
    assert lookups == ["campaign"]
    campaign.refresh_from_db()
    assert (campaign.status, campaign.unconfirmed_level, campaign.create_attempts) == (CampaignStatus.PAUSED, "", 2)
    for kind in ("campaign", "adset", "creative", "ad"):
        assert SandboxAdObject.objects.filter(platform=META_ADS, kind=kind).count() == 1


def test_a_rate_limited_create_made_nothing_and_is_not_looked_up(
    store, connections, ad_settings, creative, sandbox_url, lookups
):
    # given Meta answering 429 to everything
    fault = SandboxFault.objects.create(platform=META_ADS, rate_limit_rate=1.0, retry_after_seconds=7)
    campaign = draft(store, creative)
    with pytest.raises(CreationInterrupted) as stopped:
        campaign_push_creation(campaign_id=campaign.pk)
    # then the error carries Meta's retry-after and nothing is left to look up
    assert stopped.value.error.retry_after == 7
    campaign.refresh_from_db()
    assert campaign.unconfirmed_level == ""
    # when Meta recovers, the chain is made without a single lookup
    fault.delete()
    campaign_push_creation(campaign_id=campaign.pk)
    assert lookups == []
    assert SandboxAdObject.objects.filter(platform=META_ADS).count() == 4


@pytest.mark.parametrize(
    ("progress", "attempts", "status"),
    [
        pytest.param(True, 14, CampaignStatus.PAUSED, id="an attempt that stores a level never counts against it"),
        pytest.param(False, 9, CampaignStatus.ERROR, id="attempts that get nowhere give up after nine"),
    ],
)
def test_the_retry_budget_counts_only_attempts_that_got_nowhere(
    store, connections, ad_settings, creative, eager_tasks, monkeypatch, progress, attempts, status
):
    assert settings.ADS_CREATE_MAX_STALLED_ATTEMPTS == 8
    # given a platform that interrupts the first 13 attempts (each storing a level, or each storing nothing)
    campaign = AdCampaign.objects.create(
        store=store,
        platform=META_ADS,
        connection=connections[META_ADS],
        name="Flaky",
        daily_budget_minor=5000,
        currency="USD",
        creative=creative,
    )
    calls = []

    def push(*, campaign_id):  # noqa: ANN202
        calls.append(campaign_id)
        if len(calls) <= 13:
            raise CreationInterrupted(Transient("An unexpected error has occurred."), progressed=progress)
        AdCampaign.objects.filter(pk=campaign_id).update(status=CampaignStatus.PAUSED)

    monkeypatch.setattr(services, "campaign_push_creation", push)
    # when the task runs (eager: each retry runs at once)
    campaign_create_task.apply(args=[campaign.pk])
    # then it made as many attempts as its budget allows, and no more
    assert len(calls) == attempts
    campaign.refresh_from_db()
    assert campaign.status == status
    if status == CampaignStatus.ERROR:
        assert campaign.last_error == "An unexpected error has occurred."


def test_the_creation_budget_is_a_setting(
    store, connections, ad_settings, creative, eager_tasks, monkeypatch, settings
):
    # given a budget of two attempts in a row that get nowhere, and a platform that never lets one through
    settings.ADS_CREATE_MAX_STALLED_ATTEMPTS = 2
    campaign = AdCampaign.objects.create(
        store=store, platform=META_ADS, connection=connections[META_ADS], name="Down", daily_budget_minor=5000,
        currency="USD", creative=creative,
    )  # fmt: skip
    calls = []

    def push(*, campaign_id):  # noqa: ANN202
        calls.append(campaign_id)
        raise CreationInterrupted(Transient("An unexpected error has occurred."), progressed=False)

    monkeypatch.setattr(services, "campaign_push_creation", push)
    # when the task runs, then it gives up after three attempts
    campaign_create_task.apply(args=[campaign.pk])
    assert len(calls) == 3
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ERROR
