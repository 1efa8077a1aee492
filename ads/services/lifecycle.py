"""Campaigns reaching their end date.

The end is sent to the platform when the campaign is created (Meta's ad set ``end_time``, Google's campaign
``endDateTime``, TikTok's ad group ``schedule_end_time``), so delivery stops there by itself; here the campaign
is marked completed once its end has passed, which frees its budget under the store's daily cap. Insights keep
syncing for completed campaigns, since late conversions still arrive for a few days.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from ads.metrics import LOOP_ITEM_FAILURES
from ads.models import ActionKind, ActionResult, AdCampaign, CampaignStatus
from ads.services.transitions import campaign_transition
from stores.actors import SYSTEM

logger = logging.getLogger("ads")

COMPLETABLE = (CampaignStatus.ACTIVE, CampaignStatus.PAUSED)


def campaigns_due_to_complete(*, now: dt.datetime) -> list[int]:
    """Active or paused campaigns whose end has passed. Held ones wait for their release; drafts for creation."""
    return list(
        AdCampaign.objects.filter(status__in=COMPLETABLE, end_at__isnull=False, end_at__lte=now)
        .order_by("end_at", "pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def campaign_complete(*, campaign_id: int, now: dt.datetime | None = None) -> bool:
    """Mark one campaign completed (its end has passed) and log it; False when it no longer qualifies."""
    now = now or timezone.now()
    campaign = AdCampaign.objects.select_for_update().select_related("store").filter(pk=campaign_id).first()
    if campaign is None or campaign.status not in COMPLETABLE or campaign.end_at is None or campaign.end_at > now:
        return False
    ended = timezone.localtime(campaign.end_at, campaign.store.tzinfo)
    campaign_transition(
        campaign=campaign,
        to=CampaignStatus.COMPLETED,
        actor=SYSTEM,
        kind=ActionKind.COMPLETE,
        reason=f"Reached its end date ({ended:%Y-%m-%d %H:%M %Z}); the platform stopped delivery.",
        result=ActionResult.APPLIED,
    )
    return True


def campaigns_complete_due(*, now: dt.datetime | None = None) -> int:
    """Complete every campaign whose end has passed, each in its own transaction; returns how many.

    A campaign that cannot be completed is logged, counted and given the reason in ``last_error``; the others are
    still completed (it is tried again on the next run, since it stays due)."""
    now = now or timezone.now()
    completed = 0
    for pk in campaigns_due_to_complete(now=now):
        try:
            completed += campaign_complete(campaign_id=pk, now=now)
        except Exception as error:  # noqa: BLE001 - one campaign's failure must not stop the others
            logger.exception("ad campaign completion failed", extra={"campaign_id": pk})
            LOOP_ITEM_FAILURES.labels(loop="campaigns_complete").inc()
            AdCampaign.objects.filter(pk=pk).update(
                last_error=f"Could not be marked completed after its end date ({type(error).__name__}); "
                "Growth Hub tries again every 10 minutes."
            )
    return completed
