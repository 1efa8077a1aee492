"""The campaigns' action log and the pushes it queues.

Every change to a campaign is a ``CampaignAction``: who or what asked for it (the ``Actor``, and the rule when one
acted), what, why, and how it ended. ``action_record`` is the one writer of new rows; a change of status writes its
row through ``ads.services.transitions.campaign_transition``, which calls it. A pending action is pushed to the
platform by a task queued after commit (``enqueue_apply``); the outbox sweep delivers what a lost message left.
"""

from typing import Any

from django.utils import timezone

from ads.models import ActionResult, AdCampaign, CampaignAction
from ads.services.outbox import enqueue_after_commit, push_due
from stores.actors import Actor


def action_record(
    campaign: AdCampaign,
    *,
    kind: str,
    actor: Actor,
    reason: str,
    before: dict[str, Any],
    after: dict[str, Any],
    result: str = ActionResult.PENDING,
    error: str = "",
) -> CampaignAction:
    """Log one change of ``campaign`` (finished now unless it is pending)."""
    return CampaignAction.objects.create(
        store=campaign.store,
        campaign=campaign,
        kind=kind,
        **actor.row_fields(),
        rule=actor.rule,
        reason=reason[:500],
        before=before,
        after=after,
        result=result,
        error=error,
        finished_at=None if result == ActionResult.PENDING else timezone.now(),
    )


def enqueue_apply(action: CampaignAction) -> None:
    """The campaign's push is due now; a task is queued after commit (a refused message is left to the sweep)."""
    from ads.tasks import campaign_action_apply_task

    push_due(campaign_id=action.campaign_id, at=timezone.now())
    pk = action.pk
    enqueue_after_commit(
        lambda: campaign_action_apply_task.delay(pk), what="campaign_action_apply", campaign_id=action.campaign_id
    )


def enqueue_create(campaign: AdCampaign) -> None:
    """The campaign's creation at the platform is due now; a task is queued after commit."""
    from ads.tasks import campaign_create_task

    push_due(campaign_id=campaign.pk, at=timezone.now())
    pk = campaign.pk
    enqueue_after_commit(lambda: campaign_create_task.delay(pk), what="campaign_create", campaign_id=pk)


def pending_again(campaign: AdCampaign, kinds: tuple[str, ...]) -> CampaignAction | None:
    """The same change asked again while the platform has not confirmed it yet: make sure its push is queued (the
    first message may have been lost) and answer with the pending action, rather than doing nothing silently."""
    action = (
        CampaignAction.objects.filter(campaign=campaign, kind__in=kinds, result=ActionResult.PENDING)
        .order_by("-pk")
        .first()
    )
    if action is not None:
        enqueue_apply(action)
    return action
