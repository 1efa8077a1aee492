"""Budget changes reach the platform in order and within the cap: each push sends the campaign's latest desired
state (older changes are superseded, never replayed), and a raise that fits only because another campaign is
lowered waits until that lowering is confirmed, so the total the platforms deliver never passes the cap."""

import random

import pytest
from django.utils import timezone

from ads.models import ActionResult, AdCampaign, CampaignAction, CampaignStatus
from ads.services import (
    campaign_action_apply,
    campaign_change_budget,
    campaign_create,
    campaign_pause,
    campaign_resume,
    changes_overdue,
    committed_daily_budget,
)
from ads.tasks import campaign_action_apply_task
from platforms.constants import META_ADS
from platforms.errors import PlatformError
from sandbox.ads.common import active_total_timeline
from sandbox.models import SandboxAccount, SandboxAdObject, SandboxFault
from stores.actors import SYSTEM
from stores.exceptions import ApplicationError

pytestmark = pytest.mark.django_db(transaction=True)

CAP = 40_000


@pytest.fixture
def held_messages(monkeypatch):
    """Every apply message is held here instead of being delivered: the test delivers them, in any order."""
    held: list[int] = []
    monkeypatch.setattr(campaign_action_apply_task, "delay", lambda action_id: held.append(action_id))
    return held


@pytest.fixture
def capped(ad_settings):
    ad_settings.daily_spend_cap_minor, ad_settings.max_campaign_daily_budget_minor = CAP, 30_000
    ad_settings.save()
    return ad_settings


def active(store, creative, name, budget):
    campaign = campaign_create(
        store=store,
        platform=META_ADS,
        name=name,
        objective="sales",
        daily_budget_minor=budget,
        creative=creative,
        actor=SYSTEM,
        activate=True,
    )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE
    return campaign


def at_platform(campaign):
    """(delivering, daily budget) as Meta holds it now."""
    obj = SandboxAdObject.objects.get(platform=META_ADS, external_id=campaign.external_campaign_id)
    last = obj.history.order_by("-at", "-pk").first()
    return last.delivering, last.daily_budget_minor


def in_the_hub(campaign):
    campaign.refresh_from_db()
    return campaign.status == CampaignStatus.ACTIVE, campaign.daily_budget_minor


def platform_peak():
    return max(total for _, total in active_total_timeline(accounts=list(SandboxAccount.objects.all())))


def test_two_budget_changes_delivered_in_reverse_order_leave_the_latest_at_the_platform(
    store, connections, capped, creative, eager_tasks, sandbox_url, held_messages
):
    # given an active campaign at 100.00 whose two budget changes (to 150.00, then to 120.00) wait in the broker
    campaign = active(store, creative, "Reorder", 10_000)
    first = campaign_change_budget(campaign=campaign, daily_budget_minor=15_000, actor=SYSTEM)
    second = campaign_change_budget(campaign=campaign, daily_budget_minor=12_000, actor=SYSTEM)
    assert held_messages == [first.pk, second.pk]
    # when the later one is delivered first (a retry of the first arrives last)
    campaign_action_apply(action_id=second.pk)
    campaign_action_apply(action_id=first.pk)
    # then the platform holds the latest budget, the later change is applied and the earlier superseded by it
    assert at_platform(campaign) == (True, 12_000) == in_the_hub(campaign)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.result, second.result) == (ActionResult.SUPERSEDED, ActionResult.APPLIED)
    # and Meta never delivered the stale 150.00 pushed after the 120.00
    history = SandboxAdObject.objects.get(kind="campaign").history.order_by("pk")
    assert [(row.delivering, row.daily_budget_minor) for row in history] == [
        (False, 0),
        (True, 10_000),
        (True, 12_000),
    ]


def test_a_raise_that_relies_on_an_unconfirmed_lowering_waits_until_it_is_confirmed(
    store, connections, capped, creative, eager_tasks, sandbox_url, held_messages
):
    # given a cap of 400.00 and two active campaigns at 200.00 and 190.00 (390.00 delivering)
    lowered = active(store, creative, "Lowered", 20_000)
    raised = active(store, creative, "Raised", 19_000)
    # when the first is lowered to 100.00 and the second raised to 290.00 (the hub's total: 390.00)
    lowering = campaign_change_budget(campaign=lowered, daily_budget_minor=10_000, actor=SYSTEM)
    raising = campaign_change_budget(campaign=raised, daily_budget_minor=29_000, actor=SYSTEM)
    assert committed_daily_budget(store=store) == 39_000
    # and the raise is delivered before the lowering reached Meta
    assert campaign_action_apply(action_id=raising.pk).result == ActionResult.PENDING
    # then the raise waits, saying why, and Meta still delivers the old budgets
    raising.refresh_from_db()
    assert raising.error.startswith("Waiting for room under the daily spend cap of USD 400.00 at the platforms")
    assert (at_platform(lowered), at_platform(raised)) == ((True, 20_000), (True, 19_000))
    # when the lowering is confirmed, it wakes the waiting raise
    held_messages.clear()
    campaign_action_apply(action_id=lowering.pk)
    assert held_messages == [raising.pk]
    campaign_action_apply(action_id=held_messages.pop())
    # then both reached Meta, and Meta's total never passed the cap
    assert (at_platform(lowered), at_platform(raised)) == ((True, 10_000), (True, 29_000))
    assert platform_peak() == 39_000
    assert set(CampaignAction.objects.filter(kind="budget").values_list("result", flat=True)) == {"applied"}


def test_a_resume_waits_for_the_pause_it_relies_on(
    store, connections, capped, creative, eager_tasks, sandbox_url, held_messages
):
    # given two campaigns at 250.00 and 150.00, the first active and the second paused
    first = active(store, creative, "First", 25_000)
    second = active(store, creative, "Second", 15_000)
    campaign_pause(campaign=second, actor=SYSTEM)
    campaign_action_apply(action_id=held_messages.pop())
    campaign_change_budget(campaign=second, daily_budget_minor=25_000, actor=SYSTEM)
    campaign_action_apply(action_id=held_messages.pop())
    # when the first is paused and the second resumed, and the resume is delivered first
    pause = campaign_pause(campaign=first, actor=SYSTEM)
    resume = campaign_resume(campaign=second, actor=SYSTEM)
    campaign_action_apply(action_id=resume.pk)
    # then the second is still paused at Meta until the first's pause is confirmed
    assert at_platform(second) == (False, 0)
    assert AdCampaign.objects.get(pk=second.pk).pending_change == "activating"
    held_messages.clear()
    campaign_action_apply(action_id=pause.pk)
    campaign_action_apply(action_id=held_messages.pop())
    assert (at_platform(first), at_platform(second)) == ((False, 0), (True, 25_000))
    assert platform_peak() == 40_000


def test_interleaved_budget_changes_under_faults_end_equal_to_the_hub_and_never_over_the_cap(
    store, connections, capped, creative, eager_tasks, sandbox_url, held_messages, settings
):
    # given two active Meta campaigns at 200.00 and 190.00 under a cap of 400.00
    campaigns = [active(store, creative, "North", 20_000), active(store, creative, "South", 19_000)]
    # and Meta failing half of its calls: 5xx before acting, 5xx after acting, and answers too late after acting
    # (the read timeout sits well above a normal answer, so only injected timeouts fire)
    settings.PLATFORM_HTTP_READ_TIMEOUT = 1.0
    SandboxFault.objects.create(
        platform=META_ADS, error_rate=0.2, error_after_rate=0.15, timeout_rate=0.15, timeout_seconds=1.3, seed=11
    )
    rng = random.Random(4)
    queue: list[int] = []
    failures: list[str] = []

    def deliver_some() -> None:
        """The broker hands out what it holds in any order; a failed delivery is retried later (reordered)."""
        queue.extend(held_messages)
        held_messages.clear()
        rng.shuffle(queue)
        for _ in range(rng.randint(0, len(queue))):
            action_id = queue.pop()
            try:
                campaign_action_apply(action_id=action_id)
            except PlatformError as error:
                failures.append(error.message)
                queue.insert(0, action_id)

    # when budgets move back and forth on both, each change accepted only if the hub's total fits the cap
    targets = [10_000, 29_000, 15_000, 25_000, 22_000, 12_000, 18_000, 21_000, 26_000, 14_000, 30_000, 9_000]
    targets += [20_000, 20_000, 11_000, 28_000, 24_000, 16_000, 13_000, 27_000]
    accepted = 0
    for step, budget in enumerate(targets):
        campaign = campaigns[step % 2]
        try:
            campaign_change_budget(campaign=campaign, daily_budget_minor=budget, actor=SYSTEM)
            accepted += 1
        except ApplicationError as refusal:
            assert refusal.code == "spend_cap_exceeded"
        deliver_some()
    # and the broker and the minute sweep deliver the rest, retries included, until nothing is pending
    settings.ADS_OUTBOX_DEADLINE_SECONDS = 0
    for _ in range(60):
        queue.extend(held_messages + changes_overdue(now=timezone.now()))
        held_messages.clear()
        if not CampaignAction.objects.filter(result=ActionResult.PENDING).exists():
            break
        for action_id in dict.fromkeys(queue):
            try:
                campaign_action_apply(action_id=action_id)
            except PlatformError as error:
                failures.append(error.message)
        queue.clear()
    # then (faults really happened, and deliveries came out of order) nothing is pending, and the platform holds
    # exactly what the hub holds for each campaign
    timeouts = failures.count("The platform did not answer in time.")
    assert (accepted, len(failures) >= 5, timeouts >= 1) == (15, True, True), failures
    assert CampaignAction.objects.filter(result=ActionResult.SUPERSEDED).exists()
    assert not CampaignAction.objects.filter(result=ActionResult.PENDING).exists()
    for campaign in campaigns:
        assert at_platform(campaign) == in_the_hub(campaign)
    # and the total Meta delivered never passed the cap at any moment
    assert platform_peak() <= CAP
