"""The campaigns' outbox: every platform write is a row first, and a lost broker message only delays it.

A campaign's creation (its pending ``create`` action) and its changes (pending pause / resume / budget / archive
actions) are recorded in the transaction that decides them, with ``AdCampaign.next_push_at`` saying when the push
is due. The task queued after commit only wakes a worker sooner: when the broker refuses the message, the write
stays committed and the caller still gets its answer (the failure is logged and counted), and the minute sweeps
hand every campaign whose push is more than ``ADS_OUTBOX_DEADLINE_SECONDS`` overdue to a worker again.

One worker at a time talks to the platform about a campaign (``push_claim``): the claim is a lease on the
campaign row, taken with one conditional UPDATE, so two deliveries of the same work (a retry and a sweep, or a
message delivered twice) push one after the other, never interleaved. A worker that dies lets go when the lease
runs out; the work it left is still pending and the sweep delivers it.
"""

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from ads.metrics import LOOP_ITEM_FAILURES, OUTBOX_ENQUEUE_FAILURES
from ads.models import ActionKind, ActionResult, AdCampaign, CampaignAction, CampaignStatus
from stores.models import ConnectionStatus

logger = logging.getLogger("ads")


def push_claim(*, campaign_id: int, now: dt.datetime | None = None) -> bool:
    """Take the campaign for one push; False when another worker holds it (that worker pushes what is pending)."""
    now = now or timezone.now()
    free = Q(push_claimed_until__isnull=True) | Q(push_claimed_until__lte=now)
    until = now + dt.timedelta(seconds=settings.ADS_PUSH_LEASE_SECONDS)
    return AdCampaign.objects.filter(free, pk=campaign_id).update(push_claimed_until=until) == 1


def push_release(*, campaign_id: int) -> None:
    AdCampaign.objects.filter(pk=campaign_id).update(push_claimed_until=None)


def push_due(*, campaign_id: int, at: dt.datetime | None) -> None:
    """When the campaign's next push is due (None: nothing is pending)."""
    AdCampaign.objects.filter(pk=campaign_id).update(next_push_at=at)


def enqueue_after_commit(send: Callable[[], Any], *, what: str, campaign_id: int) -> None:
    """Queue a task once the surrounding transaction commits, without letting the broker undo the answer.

    The write is committed by then: a broker that refuses the message (down, restarting, out of memory) is
    logged and counted, and the minute sweep delivers the work instead. Nothing is raised to the caller, so an
    API or page that committed a change answers success."""

    def deliver() -> None:
        try:
            send()
        except Exception as error:  # noqa: BLE001 - any broker failure; the committed row is the source of truth
            OUTBOX_ENQUEUE_FAILURES.labels(task=what).inc()
            logger.warning(
                "ad task not queued; the outbox sweep delivers it",
                extra={"task": what, "campaign_id": campaign_id, "error": f"{type(error).__name__}: {error}"},
            )

    transaction.on_commit(deliver)


def _cutoff(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.ADS_OUTBOX_DEADLINE_SECONDS)


def _overdue(now: dt.datetime) -> Q:
    free = Q(push_claimed_until__isnull=True) | Q(push_claimed_until__lte=now)
    return free & Q(next_push_at__lte=_cutoff(now))


def creations_overdue(*, now: dt.datetime) -> list[int]:
    """Draft campaigns whose creation is overdue (its task lost, or a worker died mid-creation), oldest first.

    Held campaigns wait for their release; a connection that is not active is left alone (its release or the
    merchant's reconnect resumes them)."""
    drafts = AdCampaign.objects.filter(status=CampaignStatus.DRAFT, connection__status=ConnectionStatus.ACTIVE)
    legacy = Q(next_push_at__isnull=True, created_at__lte=_cutoff(now))  # recorded before the outbox kept a time
    free = Q(push_claimed_until__isnull=True) | Q(push_claimed_until__lte=now)
    overdue = drafts.filter(_overdue(now) | (legacy & free)).order_by("created_at", "pk")
    return list(overdue.values_list("pk", flat=True))


def changes_overdue(*, now: dt.datetime) -> list[int]:
    """For each campaign with changes pending past the deadline, its oldest pending action id, oldest first."""
    pending = CampaignAction.objects.filter(result=ActionResult.PENDING).exclude(kind=ActionKind.CREATE)
    campaigns = AdCampaign.objects.filter(connection__status=ConnectionStatus.ACTIVE).exclude(
        status__in=(CampaignStatus.DRAFT, CampaignStatus.HELD)
    )
    legacy = Q(next_push_at__isnull=True) & (Q(push_claimed_until__isnull=True) | Q(push_claimed_until__lte=now))
    overdue = campaigns.filter(_overdue(now) | legacy).values("pk")
    rows = (
        pending.filter(campaign__in=overdue)
        .values("campaign")
        .annotate(first=Min("pk"), since=Min("created_at"))
        .filter(since__lte=_cutoff(now))
        .order_by("since", "first")
    )
    return [row["first"] for row in rows]


def outbox_deliver(*, ids: list[int], send: Callable[[int], Any], loop: str) -> int:
    """Queue ``send(id)`` for each id; one that cannot be queued is logged and counted and the others still are
    (it stays overdue, so the next sweep tries again). Returns how many were queued."""
    queued = 0
    for pk in ids:
        try:
            send(pk)
        except Exception:  # noqa: BLE001 - one refused message must not stop the others
            logger.exception("ad outbox item not queued", extra={"loop": loop, "id": pk})
            LOOP_ITEM_FAILURES.labels(loop=loop).inc()
            continue
        queued += 1
    return queued
