"""Nothing lost when the broker loses a message: campaign creations and changes are rows first, an enqueue the
broker refuses never turns a committed write into an error, and the minute sweeps deliver what is overdue."""

import datetime as dt

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from ads.models import ActionKind, ActionResult, AdCampaign, CampaignStatus, PlatformStatus
from ads.services import (
    CreationInterrupted,
    campaign_create,
    campaign_pause,
    campaign_push_creation,
    creations_overdue,
)
from ads.tasks import (
    ads_campaign_changes_sweep_task,
    ads_campaign_creations_sweep_task,
    campaign_action_apply_task,
    campaign_create_task,
)
from growth.schedule import SCHEDULES
from platforms.constants import META_ADS
from sandbox.models import SandboxAdObject, SandboxFault
from stores.actors import SYSTEM
from stores.models import Role
from stores.services import api_key_create

pytestmark = pytest.mark.django_db(transaction=True)

LEVELS = ("campaign", "adset", "creative", "ad")


class Broker:
    """Stands in for the broker's ``delay`` of one task: ``lost`` drops the message silently (a Redis restart),
    ``down`` refuses it the way kombu does, ``up`` delivers it (eagerly, in the test)."""

    def __init__(self, task) -> None:  # noqa: ANN001
        self.task, self.state, self.sent, self.refused = task, "up", [], 0
        self.deliver = task.delay

    def __call__(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN204
        if self.state == "down":
            self.refused += 1
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append(args)
        if self.state == "up":
            return self.deliver(*args, **kwargs)
        return None


@pytest.fixture
def create_broker(monkeypatch):
    broker = Broker(campaign_create_task)
    monkeypatch.setattr(campaign_create_task, "delay", broker)
    return broker


@pytest.fixture
def apply_broker(monkeypatch):
    broker = Broker(campaign_action_apply_task)
    monkeypatch.setattr(campaign_action_apply_task, "delay", broker)
    return broker


@pytest.fixture
def past_the_deadline(settings):
    """The sweeps run as if every push recorded so far were overdue."""
    settings.ADS_OUTBOX_DEADLINE_SECONDS = 0


def draft(store, creative, *, name="Sock drop", activate=False):
    return campaign_create(
        store=store,
        platform=META_ADS,
        name=name,
        objective="sales",
        daily_budget_minor=5000,
        creative=creative,
        actor=SYSTEM,
        activate=activate,
    )


def at_sandbox(kind):
    return SandboxAdObject.objects.filter(platform=META_ADS, kind=kind).count()


def delivery(campaign):
    obj = SandboxAdObject.objects.get(platform=META_ADS, external_id=campaign.external_campaign_id)
    last = obj.history.order_by("-at", "-pk").first()
    return last.delivering, last.daily_budget_minor


def test_the_sweeps_are_declared_every_minute_with_an_expiry():
    # given the beat schedule
    by_task = {s.task: s for s in SCHEDULES}
    # then both outbox sweeps run every minute and expire before the next run
    for task in ("ads.tasks.ads_campaign_creations_sweep_task", "ads.tasks.ads_campaign_changes_sweep_task"):
        assert (by_task[task].every_seconds, by_task[task].expires_seconds) == (60, 55)


def test_a_campaign_whose_create_message_was_lost_is_created_by_the_sweep_exactly_once(
    store, connections, ad_settings, creative, eager_tasks, sandbox_url, create_broker, settings
):
    # given a campaign recorded while the broker lost its message (a Redis restart)
    create_broker.state = "lost"
    campaign = draft(store, creative)
    assert len(create_broker.sent) == 1
    assert at_sandbox("campaign") == 0
    # when the sweep runs before the deadline, it leaves the campaign alone (its task may still be on its way)
    settings.ADS_OUTBOX_DEADLINE_SECONDS = 120
    assert creations_overdue(now=timezone.now()) == []
    # and when it runs past the deadline with the broker back, twice
    create_broker.state = "up"
    later = timezone.now() + dt.timedelta(seconds=121)
    assert creations_overdue(now=later) == [campaign.pk]
    settings.ADS_OUTBOX_DEADLINE_SECONDS = 0
    assert ads_campaign_creations_sweep_task() == 1
    assert ads_campaign_creations_sweep_task() == 0
    # then the campaign exists at the platform exactly once, paused, and nothing is due any more
    campaign.refresh_from_db()
    assert (campaign.status, campaign.platform_status, campaign.next_push_at) == (
        CampaignStatus.PAUSED,
        PlatformStatus.PAUSED,
        None,
    )
    assert [at_sandbox(kind) for kind in LEVELS] == [1, 1, 1, 1]
    assert list(campaign.actions.values_list("kind", "result")) == [(ActionKind.CREATE, ActionResult.APPLIED)]


def test_a_creation_stopped_half_way_with_its_retry_lost_is_finished_by_the_sweep_with_one_of_each_level(
    store, connections, ad_settings, creative, eager_tasks, sandbox_url, create_broker, past_the_deadline
):
    # given a creation that made the campaign level, then failed on the ad set, and whose retry message was lost
    create_broker.state = "lost"
    campaign = draft(store, creative)
    fault = SandboxFault.objects.create(platform=META_ADS, error_rate=1.0, path_contains="/adsets")
    with pytest.raises(CreationInterrupted):
        campaign_push_creation(campaign_id=campaign.pk)
    assert [at_sandbox(kind) for kind in LEVELS] == [1, 0, 0, 0]
    fault.delete()
    # when the sweep runs with the broker back
    create_broker.state = "up"
    assert ads_campaign_creations_sweep_task() == 1
    # then the chain is finished where it stopped: one of each level, the campaign paused
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED
    assert [at_sandbox(kind) for kind in LEVELS] == [1, 1, 1, 1]


def test_a_creation_held_by_a_live_worker_is_not_handed_out_twice(
    store, connections, ad_settings, creative, eager_tasks, sandbox_url, create_broker, past_the_deadline
):
    # given a draft whose creation a worker is running right now (it holds the campaign)
    create_broker.state = "lost"
    campaign = draft(store, creative)
    AdCampaign.objects.filter(pk=campaign.pk).update(push_claimed_until=timezone.now() + dt.timedelta(minutes=5))
    # when the sweep and a redelivered message both arrive
    create_broker.state = "up"
    assert ads_campaign_creations_sweep_task() == 0
    campaign_push_creation(campaign_id=campaign.pk)
    # then neither sent anything: the worker holding it finishes it
    assert at_sandbox("campaign") == 0
    campaign.refresh_from_db()
    assert (campaign.status, campaign.create_attempts) == (CampaignStatus.DRAFT, 0)


@pytest.fixture
def api_key(store):
    return api_key_create(store=store, name="Ops", created_by=None, role=Role.MARKETER)[1]


def patch(client, key, campaign, body):
    return client.patch(
        f"/api/ads/campaigns/{campaign.pk}",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_a_pause_whose_enqueue_failed_answers_success_and_is_delivered_by_the_sweep(
    client, store, connections, ad_settings, creative, eager_tasks, sandbox_url, api_key, apply_broker, settings
):
    # given an active campaign delivering at Meta, and the broker refusing connections
    campaign = draft(store, creative, activate=True)
    assert delivery(AdCampaign.objects.get(pk=campaign.pk)) == (True, 5000)
    apply_broker.state = "down"
    # when the API is asked to pause it
    response = patch(client, api_key, campaign, {"status": "paused"})
    # then the committed pause answers success, saying the platform has yet to confirm it; Meta still delivers
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["platform_status"], body["pending_change"]) == ("paused", "active", "pausing")
    campaign.refresh_from_db()
    assert delivery(campaign) == (True, 5000)
    # when the pause is asked again during the outage
    again = patch(client, api_key, campaign, {"status": "paused"})
    # then it answers that the pause is pending and tried to queue it again, without a second pause
    assert again.status_code == 200
    assert again.json()["pending_change"] == "pausing"
    assert apply_broker.refused == 2
    assert campaign.actions.filter(kind=ActionKind.PAUSE).count() == 1
    # when the broker is back and the sweep runs past the deadline
    apply_broker.state = "up"
    settings.ADS_OUTBOX_DEADLINE_SECONDS = 0
    assert ads_campaign_changes_sweep_task() == 1
    # then Meta stopped delivering, the pause is applied, and the API shows nothing pending
    campaign.refresh_from_db()
    assert delivery(campaign) == (False, 0)
    pause = campaign.actions.get(kind=ActionKind.PAUSE)
    assert (pause.result, pause.attempts) == (ActionResult.APPLIED, 1)
    shown = client.get(f"/api/ads/campaigns/{campaign.pk}", HTTP_AUTHORIZATION=f"Bearer {api_key}").json()
    assert (shown["status"], shown["platform_status"], shown["pending_change"]) == ("paused", "paused", "")


def test_a_campaign_created_through_the_api_while_the_broker_is_down_answers_201_and_is_created_by_the_sweep(
    client, store, connections, ad_settings, creative, eager_tasks, sandbox_url, api_key, create_broker, settings
):
    # given the broker refusing connections
    create_broker.state = "down"
    body = {"name": "Outage socks", "platform": "meta_ads", "daily_budget": 5000, "creative_ids": [creative.pk]}
    # when a campaign is created through the API
    response = client.post(
        "/api/ads/campaigns", data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api_key}"
    )
    # then it answers 201 with the recorded draft, and nothing is at the platform yet
    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert (create_broker.refused, at_sandbox("campaign")) == (1, 0)
    # and once the broker is back the sweep creates it, once
    create_broker.state = "up"
    settings.ADS_OUTBOX_DEADLINE_SECONDS = 0
    assert ads_campaign_creations_sweep_task() == 1
    assert AdCampaign.objects.get().status == CampaignStatus.PAUSED
    assert [at_sandbox(kind) for kind in LEVELS] == [1, 1, 1, 1]


def test_the_sweep_leaves_changes_alone_until_their_deadline_and_a_broker_refusal_alone(
    store, connections, ad_settings, creative, eager_tasks, sandbox_url, apply_broker, settings
):
    # given an active campaign whose pause message was lost
    campaign = draft(store, creative, activate=True)
    apply_broker.state = "lost"
    campaign_pause(campaign=AdCampaign.objects.get(pk=campaign.pk), actor=SYSTEM)
    # when the sweep runs before the deadline
    settings.ADS_OUTBOX_DEADLINE_SECONDS = 120
    assert ads_campaign_changes_sweep_task() == 0
    # and past it while the broker still refuses
    settings.ADS_OUTBOX_DEADLINE_SECONDS = 0
    apply_broker.state = "down"
    assert ads_campaign_changes_sweep_task() == 0
    # then the pause is still pending, Meta still delivers, and the next sweep with the broker back delivers it
    campaign.refresh_from_db()
    assert delivery(campaign) == (True, 5000)
    assert campaign.actions.get(kind=ActionKind.PAUSE).result == ActionResult.PENDING
    apply_broker.state = "up"
    assert ads_campaign_changes_sweep_task() == 1
    assert delivery(campaign) == (False, 0)
