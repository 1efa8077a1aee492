"""Pushing a campaign's changes to its platform: one campaign at a time, its latest desired state, within the cap.

A change (pause, resume, budget, archive) is recorded as a pending ``CampaignAction`` while the campaign row takes
the new desired state (``status``, ``daily_budget_minor``). A push never replays an action's own target, which may
be stale by the time a retry runs: it compares what the merchant wants now with what the platform holds
(``platform_status``, ``platform_daily_budget_minor``) and sends only the difference, lowering before raising.
Every pending action the push covered ends applied (the latest of each kind of change) or superseded (earlier
ones a later change replaced), so retries that arrive out of order cannot leave an older budget behind.

Raises are cap-safe: an activation or a higher budget is checked against what the platforms may be delivering
(``platform_room_check``) and written into the platform state before it is sent. A raise that fits only because
another campaign is being lowered stays pending until that lowering is confirmed; a confirmed lowering wakes the
store's waiting campaigns, and the minute sweep retries them anyway.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ads.metrics import CAMPAIGN_PUSHES_WAITING
from ads.models import ActionKind, ActionResult, AdCampaign, CampaignAction, CampaignStatus, PlatformStatus
from ads.services.guardrails import guardrails_lock, platform_room_check
from ads.services.outbox import enqueue_after_commit, push_claim, push_due, push_release
from ads.services.remote import campaign_client, campaign_ids
from ads.services.transitions import ALLOWED, campaign_transition
from platforms.ads_common import AdsClient
from platforms.errors import AuthExpired, PlatformError, Rejected
from stores.actors import SYSTEM
from stores.connections.services import connection_record_error, connection_record_success
from stores.models import ConnectionStatus

logger = logging.getLogger("ads")

STATUS_KINDS = frozenset({ActionKind.PAUSE, ActionKind.RESUME, ActionKind.ACTIVATE, ActionKind.ARCHIVE})
# A push goes round again when changes were recorded while it talked to the platform; past this many rounds the
# rest is left to the next delivery (the changes stay pending and due, so the sweep hands them out).
MAX_ROUNDS = 5

STEPS: dict[str, Callable[[AdsClient, dict[str, str], int, str], None]] = {
    "archive": lambda client, ids, budget, currency: client.archive(ids),
    "pause": lambda client, ids, budget, currency: client.set_active(ids, active=False),
    "budget": lambda client, ids, budget, currency: client.set_daily_budget(ids, budget, currency=currency),
    "activate": lambda client, ids, budget, currency: client.set_active(ids, active=True),
}
CONFIRMED = {"archive": PlatformStatus.ARCHIVED, "pause": PlatformStatus.PAUSED, "activate": PlatformStatus.ACTIVE}


class PushOutcome:
    PUSHED = "pushed"  # the platform holds what is wanted; the pending actions it covered are finished
    IDLE = "idle"  # nothing was pending
    BUSY = "busy"  # another worker is pushing this campaign (it pushes what is pending)
    WAITING = "waiting"  # a raise waits for room under the cap at the platforms
    HELD = "held"  # the connection is not usable (or the campaign is a draft or held); nothing was sent
    REFUSED = "refused"  # the platform refused a change, which was undone here


@dataclass
class _Plan:
    campaign: AdCampaign
    steps: list[str]
    budget: int
    actions: list[CampaignAction]
    previous_status: str
    previous_budget: int | None


def _aspect(kind: str) -> str:
    return "status" if kind in STATUS_KINDS else "budget"


def unconfirmed_raises(campaign: AdCampaign) -> set[str]:
    return set(filter(None, campaign.unconfirmed_raise.split(",")))


def campaign_steps(campaign: AdCampaign) -> list[str]:
    """What has to be sent for the platform to hold the campaign's desired state, lowering before raising.

    A raise sent earlier and never answered is recorded in the platform state (it may be delivering) but is sent
    again: it may not have landed."""
    wanted, have = campaign.status, campaign.platform_status
    unconfirmed = unconfirmed_raises(campaign)
    budget_differs = campaign.platform_daily_budget_minor != campaign.daily_budget_minor or "budget" in unconfirmed
    if wanted == CampaignStatus.ARCHIVED:
        return [] if have == PlatformStatus.ARCHIVED else ["archive"]
    if have == PlatformStatus.ARCHIVED or wanted == CampaignStatus.COMPLETED:
        return []  # nothing can change at the platform any more; a completed campaign stopped there by itself
    if wanted == CampaignStatus.ACTIVE:
        active = have == PlatformStatus.ACTIVE and "activate" not in unconfirmed
        return (["budget"] if budget_differs else []) + ([] if active else ["activate"])
    return ([] if have == PlatformStatus.PAUSED else ["pause"]) + (["budget"] if budget_differs else [])


def _raises(campaign: AdCampaign, steps: list[str]) -> bool:
    """Whether the push lets the campaign deliver more than the platform may deliver now."""
    if "activate" in steps:
        return True
    higher = campaign.daily_budget_minor > (campaign.platform_daily_budget_minor or 0)
    return "budget" in steps and campaign.status == CampaignStatus.ACTIVE and higher


def _plan(campaign_id: int) -> _Plan | str:
    """Lock the store's guardrails and the campaign, read what is pending and decide what to send; a raise is
    checked against the cap at the platforms and written into the platform state here, before it is sent."""
    now = timezone.now()
    with transaction.atomic():
        store_id = AdCampaign.objects.values_list("store", flat=True).get(pk=campaign_id)
        settings_row = guardrails_lock(store=AdCampaign(store_id=store_id).store)
        campaign = AdCampaign.objects.select_for_update().select_related("store", "connection").get(pk=campaign_id)
        if campaign.connection.status != ConnectionStatus.ACTIVE or campaign.status in (
            CampaignStatus.DRAFT,
            CampaignStatus.HELD,
        ):
            return PushOutcome.HELD
        actions = list(
            CampaignAction.objects.filter(campaign=campaign, result=ActionResult.PENDING)
            .exclude(kind=ActionKind.CREATE)
            .order_by("pk")
        )
        if not actions:
            push_due(campaign_id=campaign.pk, at=None)
            return PushOutcome.IDLE
        steps = campaign_steps(campaign)
        plan = _Plan(
            campaign=campaign,
            steps=steps,
            budget=campaign.daily_budget_minor,
            actions=actions,
            previous_status=campaign.platform_status,
            previous_budget=campaign.platform_daily_budget_minor,
        )
        if _raises(campaign, steps):
            why = platform_room_check(
                settings_row=settings_row, campaign=campaign, daily_budget_minor=campaign.daily_budget_minor
            )
            if why:
                CampaignAction.objects.filter(pk__in=[a.pk for a in actions]).update(error=why)
                CAMPAIGN_PUSHES_WAITING.inc()
                return PushOutcome.WAITING
            # Intent first: from now on the campaign counts as delivering at the raised budget, answered or not.
            raised = unconfirmed_raises(campaign)
            if "budget" in steps and plan.budget > (campaign.platform_daily_budget_minor or 0):
                raised.add("budget")
            campaign.platform_daily_budget_minor = max(campaign.platform_daily_budget_minor or 0, plan.budget)
            if "activate" in steps:
                campaign.platform_status = PlatformStatus.ACTIVE
                raised.add("activate")
            campaign.unconfirmed_raise = ",".join(sorted(raised))
            AdCampaign.objects.filter(pk=campaign.pk).update(
                platform_status=campaign.platform_status,
                platform_daily_budget_minor=campaign.platform_daily_budget_minor,
                unconfirmed_raise=campaign.unconfirmed_raise,
            )
        CampaignAction.objects.filter(pk__in=[a.pk for a in actions]).update(
            attempts=F("attempts") + 1, last_attempt_at=now
        )
    return plan


def _confirmed(campaign: AdCampaign, step: str, budget: int) -> None:
    """The platform answered ``step``: it holds what was sent, and an earlier unanswered raise of that aspect is
    settled by it (a pause or an archive settles an unanswered activation)."""
    if step == "budget":
        campaign.platform_daily_budget_minor = budget
        settled = {"budget"}
    else:
        campaign.platform_status = CONFIRMED[step]
        settled = {"activate", "budget"} if step == "archive" else {"activate"}
    campaign.unconfirmed_raise = ",".join(sorted(unconfirmed_raises(campaign) - settled))
    AdCampaign.objects.filter(pk=campaign.pk).update(
        platform_status=campaign.platform_status,
        platform_daily_budget_minor=campaign.platform_daily_budget_minor,
        unconfirmed_raise=campaign.unconfirmed_raise,
    )


def _finish(plan: _Plan) -> None:
    """The platform holds the desired state: per kind of change, the latest pending action is applied and the
    earlier ones superseded by it."""
    now = timezone.now()
    latest: dict[str, int] = {}
    for action in plan.actions:
        latest[_aspect(action.kind)] = action.pk
    applied = set(latest.values())
    pending = CampaignAction.objects.filter(pk__in=[a.pk for a in plan.actions], result=ActionResult.PENDING)
    pending.filter(pk__in=applied).update(result=ActionResult.APPLIED, error="", finished_at=now)
    pending.exclude(pk__in=applied).update(result=ActionResult.SUPERSEDED, error="", finished_at=now)


def _refused(plan: _Plan, step: str, error: Rejected) -> None:
    """The platform refused ``step`` and changed nothing: that kind of change is undone here (back to the
    ``before`` of its oldest pending action) and its pending actions fail with the platform's message."""
    aspect = "budget" if step == "budget" else "status"
    mine = [a for a in plan.actions if _aspect(a.kind) == aspect]
    before = mine[0].before if mine else {}
    message = error.message[:1000]
    with transaction.atomic():
        locked = AdCampaign.objects.select_for_update().select_related("store").get(pk=plan.campaign.pk)
        fields = {"platform_status": plan.previous_status, "platform_daily_budget_minor": plan.previous_budget}
        fields.pop("platform_status" if step == "budget" else "platform_daily_budget_minor")
        if "daily_budget_minor" in before:
            fields["daily_budget_minor"] = before["daily_budget_minor"]
        pending = CampaignAction.objects.filter(pk__in=[a.pk for a in mine])
        undone = before.get("status")
        if undone and undone in ALLOWED[locked.status]:
            campaign_transition(
                campaign=locked,
                to=undone,
                actor=SYSTEM,
                kind=mine[0].kind,
                reason="The platform refused the change.",
                result=ActionResult.FAILED,
                error=message,
                settles=pending,
                **fields,
            )
            return
        AdCampaign.objects.filter(pk=locked.pk).update(**fields, updated_at=timezone.now())
        pending.filter(result=ActionResult.PENDING).update(
            result=ActionResult.FAILED, error=message, finished_at=timezone.now()
        )


def _send(plan: _Plan) -> str:
    campaign = plan.campaign
    client, ids = campaign_client(campaign), campaign_ids(campaign)
    for step in plan.steps:
        try:
            STEPS[step](client, ids, plan.budget, campaign.currency)
        except Rejected as error:
            connection_record_error(connection=campaign.connection, error=error)
            _refused(plan, step, error)
            return PushOutcome.REFUSED
        except AuthExpired as error:
            connection_record_error(connection=campaign.connection, error=error)
            return PushOutcome.HELD
        except PlatformError as error:
            connection_record_error(connection=campaign.connection, error=error)
            CampaignAction.objects.filter(pk__in=[a.pk for a in plan.actions]).update(error=error.message[:1000])
            raise
        _confirmed(campaign, step, plan.budget)
    connection_record_success(connection=campaign.connection)
    _finish(plan)
    return PushOutcome.PUSHED


def _lowers(plan: _Plan) -> bool:
    lowered_budget = plan.previous_budget is not None and plan.budget < plan.previous_budget
    return bool({"pause", "archive"} & set(plan.steps)) or ("budget" in plan.steps and lowered_budget)


def _wake_waiting(campaign: AdCampaign) -> None:
    """A lowering was confirmed: the store's other campaigns with pending changes may have room now."""
    from ads.tasks import campaign_action_apply_task

    firsts: dict[int, int] = {}
    rows = (
        CampaignAction.objects.filter(
            store_id=campaign.store_id, result=ActionResult.PENDING, campaign__status=CampaignStatus.ACTIVE
        )
        .exclude(kind=ActionKind.CREATE)
        .exclude(campaign=campaign)
        .order_by("pk")
        .values_list("campaign_id", "pk")
    )
    for campaign_id, pk in rows:
        firsts.setdefault(campaign_id, pk)
    for campaign_id, pk in firsts.items():
        enqueue_after_commit(
            lambda pk=pk: campaign_action_apply_task.delay(pk), what="campaign_action_apply", campaign_id=campaign_id
        )


def campaign_changes_push(*, campaign_id: int) -> str:
    """Bring the platform to the campaign's desired state; returns a ``PushOutcome``.

    Takes the campaign's push claim first (another worker holding it answers BUSY: that worker pushes what is
    pending, and the sweep covers the rest). A refusal undoes that change here and fails its actions; a dead
    token marks the connection expired, which holds the campaign (its changes are pushed again on release);
    Transient and RateLimited propagate for the task to retry, the changes still pending with the error.
    """
    if not push_claim(campaign_id=campaign_id):
        return PushOutcome.BUSY
    outcome = PushOutcome.IDLE
    try:
        for _ in range(MAX_ROUNDS):
            plan = _plan(campaign_id)
            if isinstance(plan, str):
                return outcome if plan == PushOutcome.IDLE else plan
            outcome = _send(plan)
            if outcome == PushOutcome.HELD:
                return outcome
            if outcome == PushOutcome.PUSHED and _lowers(plan):
                _wake_waiting(plan.campaign)
        return outcome
    finally:
        push_release(campaign_id=campaign_id)


def campaign_action_apply(*, action_id: int) -> CampaignAction:
    """Push the campaign of one recorded change (with every other change pending for it); returns the action as
    it ended. Idempotent: a campaign with nothing pending is left alone."""
    action = CampaignAction.objects.select_related("campaign__connection").get(pk=action_id)
    if action.campaign.connection.status != ConnectionStatus.ACTIVE:
        return action
    campaign_changes_push(campaign_id=action.campaign_id)
    action.refresh_from_db()
    return action


def campaign_push_defer(*, campaign_id: int, seconds: float) -> None:
    """A retry is scheduled in ``seconds``: the sweep leaves the campaign alone until that is overdue."""
    push_due(campaign_id=campaign_id, at=timezone.now() + dt.timedelta(seconds=seconds))


def campaign_of_action(*, action_id: int) -> int:
    return CampaignAction.objects.values_list("campaign_id", flat=True).get(pk=action_id)
