"""An activation the platform did not answer is sent again until it is confirmed: it counts as delivering for the
spend cap from the moment it is sent, but it is not taken for done. And a campaign whose whole chain exists at the
platform is created, whatever becomes of its activation: the activation stays pending and is pushed like any
change, instead of the creation's retries giving the campaign up as an error."""

import pytest

from ads import services
from ads.models import ActionKind, ActionResult, AdCampaign, CampaignAction, CampaignStatus, PlatformStatus
from ads.services import campaign_action_apply, campaign_create, campaign_pause, campaign_resume
from ads.tasks import MAX_RETRIES, campaign_create_task
from platforms.constants import META_ADS
from platforms.errors import PlatformError, Transient
from platforms.meta_ads.ads import MetaAdsClient
from sandbox.models import SandboxAdObject, SandboxFault
from stores.actors import SYSTEM

pytestmark = pytest.mark.django_db(transaction=True)


def delivering_at_meta(campaign: AdCampaign) -> bool:
    obj = SandboxAdObject.objects.get(platform=META_ADS, external_id=campaign.external_campaign_id)
    return obj.history.order_by("-at", "-pk").first().delivering


def meta_campaign(store, creative, *, activate: bool) -> AdCampaign:
    return campaign_create(
        store=store,
        platform=META_ADS,
        name="Sock drop",
        objective="sales",
        daily_budget_minor=5000,
        creative=creative,
        actor=SYSTEM,
        activate=activate,
    )


def test_a_resume_meta_failed_to_answer_is_sent_again_and_reaches_meta(
    store, connections, ad_settings, creative, sandbox_url, monkeypatch
):
    # given a campaign created paused and its resume recorded, with its apply message held back
    campaign = meta_campaign(store, creative, activate=False)
    services.campaign_push_creation(campaign_id=campaign.pk)
    held: list[int] = []
    monkeypatch.setattr("ads.tasks.campaign_action_apply_task.delay", held.append)
    resume = campaign_resume(campaign=AdCampaign.objects.get(pk=campaign.pk), actor=SYSTEM)
    # when Meta answers the resume with a 500 before acting on it
    fault = SandboxFault.objects.create(platform=META_ADS, error_rate=1.0)
    with pytest.raises(PlatformError):
        campaign_action_apply(action_id=resume.pk)
    campaign.refresh_from_db()
    # then the campaign still counts as delivering for the cap, but as not yet confirmed
    assert (campaign.platform_status, campaign.pending_change) == (PlatformStatus.ACTIVE, "activating")
    assert not delivering_at_meta(campaign)
    # when Meta recovers and the resume is pushed again
    fault.delete()
    assert campaign_action_apply(action_id=resume.pk).result == ActionResult.APPLIED
    # then Meta delivers it, and nothing is left unconfirmed
    campaign.refresh_from_db()
    assert delivering_at_meta(campaign)
    assert (campaign.pending_change, campaign.unconfirmed_raise) == ("", "")


def test_a_pause_after_an_unanswered_resume_pauses_at_meta(
    store, connections, ad_settings, creative, sandbox_url, monkeypatch
):
    # given a resume Meta did not answer
    campaign = meta_campaign(store, creative, activate=False)
    services.campaign_push_creation(campaign_id=campaign.pk)
    monkeypatch.setattr("ads.tasks.campaign_action_apply_task.delay", lambda pk: None)
    resume = campaign_resume(campaign=AdCampaign.objects.get(pk=campaign.pk), actor=SYSTEM)
    fault = SandboxFault.objects.create(platform=META_ADS, error_rate=1.0)
    with pytest.raises(PlatformError):
        campaign_action_apply(action_id=resume.pk)
    fault.delete()
    # when the merchant pauses it again before the resume went through
    pause = campaign_pause(campaign=AdCampaign.objects.get(pk=campaign.pk), actor=SYSTEM)
    campaign_action_apply(action_id=pause.pk)
    # then Meta holds it paused and both changes are settled
    campaign.refresh_from_db()
    assert not delivering_at_meta(campaign)
    assert (campaign.platform_status, campaign.pending_change, campaign.unconfirmed_raise) == (
        PlatformStatus.PAUSED,
        "",
        "",
    )
    results = dict(CampaignAction.objects.filter(campaign=campaign).values_list("kind", "result"))
    assert results[ActionKind.PAUSE] == ActionResult.APPLIED
    assert results[ActionKind.RESUME] == ActionResult.SUPERSEDED


def test_a_created_campaign_whose_activation_keeps_failing_is_active_with_the_activation_pending(
    store, connections, ad_settings, creative, eager_tasks, sandbox_url, monkeypatch
):
    # given Meta creating every level but failing every activation, more times than the creation's retry budget
    calls: list[bool] = []

    def flaky_set_active(self, ids, *, active):  # noqa: ANN001, ANN202
        calls.append(active)
        raise Transient("The platform did not answer in time.")

    monkeypatch.setattr(MetaAdsClient, "set_active", flaky_set_active)
    monkeypatch.setattr("ads.tasks.campaign_action_apply_task.delay", lambda pk: None)
    campaign = meta_campaign(store, creative, activate=True)
    # when the creation task runs (eager, each retry at once)
    campaign_create_task.apply(args=[campaign.pk])
    # then the campaign is created, wanted active, its activation pending (tried once, not given up)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE
    assert calls == [True]
    assert len(calls) <= MAX_RETRIES
    creation = CampaignAction.objects.get(campaign=campaign, kind=ActionKind.CREATE)
    activation = CampaignAction.objects.get(campaign=campaign, kind=ActionKind.ACTIVATE)
    assert (creation.result, activation.result) == (ActionResult.APPLIED, ActionResult.PENDING)
    assert activation.error == "The platform did not answer in time."
    assert (campaign.pending_change, campaign.unconfirmed_raise) == ("activating", "activate")
    for kind in ("campaign", "adset", "creative", "ad"):
        assert SandboxAdObject.objects.filter(platform=META_ADS, kind=kind).count() == 1
    # when Meta answers again and the pending activation is pushed
    monkeypatch.undo()
    assert campaign_action_apply(action_id=activation.pk).result == ActionResult.APPLIED
    campaign.refresh_from_db()
    assert delivering_at_meta(campaign)
    assert campaign.pending_change == ""
