"""The one place a campaign changes status, and the changes merchants, rules and Growth Hub ask for.

``campaign_transition`` moves a campaign along ``ALLOWED`` and always writes the ``CampaignAction`` that says who
asked and why (or, when the change finishes actions already logged, such as the pending creation the platform just
confirmed or refused, settles those). Nothing else sets ``AdCampaign.status``; the only other write of it is the
``draft`` a new campaign row starts as.

Pause, resume, budget and archive record the desired state first (the campaign row) with its pending action, inside
one transaction with the guardrail check; a task then pushes it to the platform (``ads.services.pushing``). A
connection that went bad holds its live campaigns; its reconnect releases them as they were.
"""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ads.models import ActionKind, ActionResult, AdCampaign, CampaignAction, CampaignStatus, StoreAdSettings
from ads.services.events import action_record, enqueue_apply, enqueue_create, pending_again
from ads.services.guardrails import budget_check, guardrails_check, guardrails_lock
from platforms.constants import PLATFORM_NAMES
from stores.actors import SYSTEM, Actor
from stores.exceptions import ApplicationError
from stores.models import PlatformConnection

S = CampaignStatus
# Which status may follow which. Anything else is refused: a bug in the caller, or a race the caller lost.
ALLOWED: dict[str, frozenset[str]] = {
    # created at the platform (paused, or active as asked), refused there, or held with its connection
    S.DRAFT: frozenset({S.ACTIVE, S.PAUSED, S.ERROR, S.HELD}),
    # paused (or a refused resume undone), archived, past its end, or held
    S.ACTIVE: frozenset({S.PAUSED, S.ARCHIVED, S.COMPLETED, S.HELD}),
    # resumed (or a refused pause undone), archived, past its end, or held
    S.PAUSED: frozenset({S.ACTIVE, S.ARCHIVED, S.COMPLETED, S.HELD}),
    # released after a reconnect, back to what it was
    S.HELD: frozenset({S.DRAFT, S.ACTIVE, S.PAUSED}),
    S.COMPLETED: frozenset({S.ARCHIVED}),
    S.ERROR: frozenset({S.ARCHIVED}),
    # an archive the platform refused is undone, back to what it was
    S.ARCHIVED: frozenset({S.ACTIVE, S.PAUSED, S.COMPLETED, S.ERROR}),
}
ARCHIVABLE = (S.ACTIVE, S.PAUSED, S.COMPLETED, S.ERROR)
LIVE = (S.DRAFT, S.ACTIVE, S.PAUSED)


class TransitionRefused(ApplicationError):
    """A campaign was asked to move where ``ALLOWED`` does not go; nothing was changed or logged."""

    def __init__(self, campaign: AdCampaign, to: str) -> None:
        super().__init__(
            f"A {campaign.status} campaign cannot become {to}.",
            code="invalid_transition",
            extra={"from": campaign.status, "to": to},
        )


def campaign_transition(
    *,
    campaign: AdCampaign,
    to: str,
    actor: Actor,
    kind: str,
    reason: str = "",
    result: str = ActionResult.PENDING,
    error: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    settles: QuerySet[CampaignAction] | None = None,
    **fields: Any,
) -> CampaignAction:
    """Move ``campaign`` to ``to`` saving ``fields`` with it, and log it. Call inside the caller's transaction, the
    campaign row locked. Refuses (``TransitionRefused``, nothing written) a move ``ALLOWED`` does not list.

    The change is logged as a new action of ``kind`` (``before`` / ``after`` default to the two statuses), unless
    ``settles`` names actions already logged that this change finishes: their pending ones end with ``result`` and
    ``error``, and the first of them is returned."""
    if to not in ALLOWED[campaign.status]:
        raise TransitionRefused(campaign, to)
    previous = campaign.status
    campaign.status = to
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.save(update_fields=["status", *fields, "updated_at"])
    settled = list(settles.filter(result=ActionResult.PENDING).order_by("pk")) if settles is not None else []
    if settled:
        finished = None if result == ActionResult.PENDING else timezone.now()
        CampaignAction.objects.filter(pk__in=[a.pk for a in settled]).update(
            result=result, error=error[:1000], finished_at=finished
        )
        settled[0].refresh_from_db()
        return settled[0]
    return action_record(
        campaign,
        kind=kind,
        actor=actor,
        reason=reason,
        before={"status": previous} if before is None else before,
        after={"status": to} if after is None else after,
        result=result,
        error=error,
    )


def _locked(campaign: AdCampaign, *, guard: bool = False) -> tuple[AdCampaign, StoreAdSettings | None]:
    """Lock (guardrails first, always in this order) and reload the campaign. Inside a transaction."""
    settings_row = guardrails_lock(store=campaign.store) if guard else None
    fresh = AdCampaign.objects.select_for_update().select_related("store", "connection").get(pk=campaign.pk)
    return fresh, settings_row


def _refuse(campaign: AdCampaign, what: str) -> ApplicationError:
    if campaign.status == S.HELD:
        return ApplicationError(
            f"“{campaign.name}” is held: reconnect {PLATFORM_NAMES[campaign.platform]} first.", code="campaign_held"
        )
    return ApplicationError(
        f"“{campaign.name}” is {campaign.get_status_display().lower()} and cannot be {what}.",
        code="invalid_transition",
    )


def _draft_activation(campaign: AdCampaign, *, activate: bool, kind: str, actor: Actor, reason: str) -> CampaignAction:
    """A draft not yet created: it will be created active or paused instead (its status stays draft)."""
    campaign.activate_on_create = activate
    campaign.save(update_fields=["activate_on_create", "updated_at"])
    return action_record(
        campaign,
        kind=kind,
        actor=actor,
        reason=reason,
        before={"activate_on_create": not activate},
        after={"activate_on_create": activate},
        result=ActionResult.APPLIED,
    )


@transaction.atomic
def campaign_pause(*, campaign: AdCampaign, actor: Actor, reason: str = "") -> CampaignAction:
    """Pause a campaign (a draft that was to start active is created paused instead). Asked again while the
    platform has not confirmed the pause, it makes sure the pause is queued and returns the pending action."""
    actor.require_write()
    campaign, _ = _locked(campaign)
    if campaign.status == S.PAUSED and campaign.pending_change == "pausing":
        pending = pending_again(campaign, (ActionKind.PAUSE,))
        if pending is not None:
            return pending
    if campaign.status == S.DRAFT and campaign.activate_on_create:
        return _draft_activation(campaign, activate=False, kind=ActionKind.PAUSE, actor=actor, reason=reason)
    if campaign.status != S.ACTIVE:
        raise _refuse(campaign, "paused")
    action = campaign_transition(campaign=campaign, to=S.PAUSED, actor=actor, kind=ActionKind.PAUSE, reason=reason)
    enqueue_apply(action)
    return action


@transaction.atomic
def campaign_resume(*, campaign: AdCampaign, actor: Actor, reason: str = "") -> CampaignAction:
    """Activate a paused campaign; refused when its budget would take the store over its daily cap. Asked again
    while the platform has not confirmed the activation, it makes sure it is queued and returns the pending
    action."""
    actor.require_write()
    campaign, settings_row = _locked(campaign, guard=True)
    if campaign.status == S.ACTIVE and campaign.pending_change == "activating":
        pending = pending_again(campaign, (ActionKind.RESUME, ActionKind.ACTIVATE))
        if pending is not None:
            return pending
    if campaign.status not in (S.PAUSED, S.DRAFT) or (campaign.status == S.DRAFT and campaign.activate_on_create):
        raise _refuse(campaign, "resumed")
    budget = campaign.daily_budget_minor
    guardrails_check(settings_row=settings_row, campaign=campaign, daily_budget_minor=budget, will_be_active=True)
    if campaign.status == S.DRAFT:
        return _draft_activation(campaign, activate=True, kind=ActionKind.RESUME, actor=actor, reason=reason)
    action = campaign_transition(campaign=campaign, to=S.ACTIVE, actor=actor, kind=ActionKind.RESUME, reason=reason)
    enqueue_apply(action)
    return action


@transaction.atomic
def campaign_change_budget(
    *, campaign: AdCampaign, daily_budget_minor: int, actor: Actor, reason: str = ""
) -> CampaignAction:
    """Set a new daily budget; refused under the platform minimum, over the per-campaign maximum, or (for an
    active campaign) when active budgets would pass the store's daily cap."""
    actor.require_write()
    campaign, settings_row = _locked(campaign, guard=True)
    if campaign.status not in (S.ACTIVE, S.PAUSED):
        raise _refuse(campaign, "given a new budget")
    budget_check(daily_budget_minor=daily_budget_minor, currency=campaign.currency, platform=campaign.platform)
    guardrails_check(
        settings_row=settings_row,
        campaign=campaign,
        daily_budget_minor=daily_budget_minor,
        will_be_active=campaign.status == S.ACTIVE,
    )
    before = {"daily_budget_minor": campaign.daily_budget_minor}
    campaign.daily_budget_minor = daily_budget_minor
    campaign.save(update_fields=["daily_budget_minor", "updated_at"])
    action = action_record(
        campaign,
        kind=ActionKind.BUDGET,
        actor=actor,
        reason=reason,
        before=before,
        after={"daily_budget_minor": daily_budget_minor},
    )
    enqueue_apply(action)
    return action


@transaction.atomic
def campaign_archive(*, campaign: AdCampaign, actor: Actor, reason: str = "") -> CampaignAction:
    """Archive a campaign (at the platform too, once it exists there)."""
    actor.require_write()
    campaign, _ = _locked(campaign)
    if campaign.status == S.ARCHIVED and campaign.pending_change == "archiving":
        pending = pending_again(campaign, (ActionKind.ARCHIVE,))
        if pending is not None:
            return pending
    if campaign.status not in ARCHIVABLE:
        raise _refuse(campaign, "archived")
    pushed = bool(campaign.external_campaign_id)
    action = campaign_transition(
        campaign=campaign,
        to=S.ARCHIVED,
        actor=actor,
        kind=ActionKind.ARCHIVE,
        reason=reason,
        result=ActionResult.PENDING if pushed else ActionResult.APPLIED,
    )
    if pushed:
        enqueue_apply(action)
    return action


@transaction.atomic
def campaigns_hold_for_connection(*, connection: PlatformConnection, reason: str) -> int:
    """Hold every live campaign of a connection that went bad; returns how many. Held campaigns keep their place
    under the spend cap (if they were active) and nothing is sent for them until the merchant reconnects."""
    held = 0
    for campaign in AdCampaign.objects.select_for_update().filter(connection=connection, status__in=LIVE):
        campaign_transition(
            campaign=campaign,
            to=S.HELD,
            actor=SYSTEM,
            kind=ActionKind.HOLD,
            reason=reason,
            result=ActionResult.APPLIED,
            status_before_hold=campaign.status,
            hold_reason=reason[:300],
        )
        held += 1
    return held


@transaction.atomic
def campaigns_release_for_connection(*, connection: PlatformConnection) -> int:
    """After a reconnect: put held campaigns back as they were, resume unfinished creations and push pending
    changes again. Returns how many were released."""
    released = 0
    for campaign in AdCampaign.objects.select_for_update().filter(connection=connection, status=S.HELD):
        restored = campaign.status_before_hold or S.PAUSED
        campaign_transition(
            campaign=campaign,
            to=restored,
            actor=SYSTEM,
            kind=ActionKind.RELEASE,
            reason="The connection was restored.",
            result=ActionResult.APPLIED,
            status_before_hold="",
            hold_reason="",
        )
        if restored == S.DRAFT:
            enqueue_create(campaign)
        for action in CampaignAction.objects.filter(campaign=campaign, result=ActionResult.PENDING).exclude(
            kind=ActionKind.CREATE
        ):
            enqueue_apply(action)
        released += 1
    return released
