"""Creating a recorded campaign at its platform, exactly once, level by level.

Each level's platform id is stored the moment it is known, so a retry resumes after the last stored level. A
platform refusal puts the campaign in error and fails its creation; a dead token marks the connection expired
(which holds its campaigns); transient failures and rate limits are raised to the task, which retries.
"""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ads.metrics import CAMPAIGNS_CREATED
from ads.models import ActionKind, ActionResult, AdCampaign, CampaignAction, CampaignStatus, PlatformStatus
from ads.services.events import action_record, enqueue_apply
from ads.services.guardrails import guardrails_lock, platform_room_check
from ads.services.outbox import push_claim, push_due, push_release
from ads.services.remote import LEVEL_FIELDS, campaign_client, campaign_ids, campaign_spec
from ads.services.transitions import campaign_transition
from platforms.ads_common import AdsClient, CampaignSpec
from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected
from stores.actors import SYSTEM
from stores.connections.services import connection_record_error, connection_record_success
from stores.models import ConnectionStatus

logger = logging.getLogger("ads")


class CreationInterrupted(Exception):
    """A creation attempt stopped on a Transient or RateLimited ``error``. ``progressed``: it stored at least one
    new level before stopping, so the next attempt starts further along (the task's retry budget counts only
    attempts that got nowhere)."""

    def __init__(self, error: PlatformError, *, progressed: bool) -> None:
        super().__init__(error.message)
        self.error = error
        self.progressed = progressed


def _give_up(campaign: AdCampaign, error: PlatformError) -> None:
    """The platform refused the creation (or the retries ran out): a draft goes to error, its creation failed."""
    message = error.message[:1000]
    with transaction.atomic():
        locked = AdCampaign.objects.select_for_update().select_related("store").get(pk=campaign.pk)
        creation = CampaignAction.objects.filter(campaign=locked, kind=ActionKind.CREATE)
        if locked.status != CampaignStatus.DRAFT:
            creation.filter(result=ActionResult.PENDING).update(
                result=ActionResult.FAILED, error=message, finished_at=timezone.now()
            )
            return
        campaign_transition(
            campaign=locked,
            to=CampaignStatus.ERROR,
            actor=SYSTEM,
            kind=ActionKind.CREATE,
            reason="The platform refused the campaign.",
            result=ActionResult.FAILED,
            error=message,
            settles=creation,
            last_error=message,
        )


def _create_level(campaign: AdCampaign, client: AdsClient, level: str, spec: CampaignSpec, ids: dict) -> str:
    """Send one create, with the level written down first so that an unanswered create is looked up later."""
    AdCampaign.objects.filter(pk=campaign.pk).update(unconfirmed_level=level)
    campaign.unconfirmed_level = level
    try:
        return client.create_level(level, spec, ids)
    except (RateLimited, Rejected, AuthExpired):
        # The platform answered and made nothing.
        AdCampaign.objects.filter(pk=campaign.pk).update(unconfirmed_level="")
        campaign.unconfirmed_level = ""
        raise


def campaign_push_creation(*, campaign_id: int) -> AdCampaign:
    """Create the campaign's chain at the platform, exactly once.

    Each level's platform id is stored the moment it is known, so a retry resumes after the last stored level
    (its children cannot exist yet).

    Only a level whose create may have taken effect unanswered is looked up before it is created again: the level
    is written down (``unconfirmed_level``) before its create is sent, and cleared when the platform answers it,
    with an id or with an error that made nothing (a rate limit, a refusal). A timeout, a 5xx or a worker that
    died mid-call leave it written, so the next attempt looks first.

    One attempt at a time: the attempt takes the campaign's push claim, so a task redelivered by the sweep while
    a retry is running (or the other way round) leaves the campaign to the one that holds it.

    An activation asked for at creation is sent only when the platforms' total stays within the cap
    (``platform_room_check``); otherwise the campaign is created paused at the platform, wanted active, with its
    activation pending until there is room.

    Handles Rejected and AuthExpired itself; a Transient or RateLimited failure is raised to the task wrapped in
    ``CreationInterrupted``, which says whether this attempt stored a new level first.
    """
    campaign = AdCampaign.objects.select_related("connection", "creative", "store").get(pk=campaign_id)
    if campaign.status != CampaignStatus.DRAFT or campaign.connection.status != ConnectionStatus.ACTIVE:
        return campaign
    if not push_claim(campaign_id=campaign.pk):
        return campaign
    try:
        return _push_creation(campaign)
    finally:
        push_release(campaign_id=campaign.pk)


def _activation_room(campaign: AdCampaign) -> str:
    """Check the cap at the platforms for activating a just-created campaign; when it fits, the campaign counts as
    delivering from now on (before the activation is sent). Returns why it must wait, or ""."""
    with transaction.atomic():
        settings_row = guardrails_lock(store=campaign.store)
        locked = AdCampaign.objects.select_for_update().select_related("store").get(pk=campaign.pk)
        why = platform_room_check(
            settings_row=settings_row, campaign=locked, daily_budget_minor=locked.daily_budget_minor
        )
        if not why:
            AdCampaign.objects.filter(pk=campaign.pk).update(
                platform_status=PlatformStatus.ACTIVE, unconfirmed_raise="activate"
            )
    return why


def _activate(campaign: AdCampaign, client: AdsClient, ids: dict) -> str:
    """Send the activation asked for at creation when the cap has room at the platforms; returns why it is left
    pending, or "". The chain exists by now, so a platform that does not answer the activation (a timeout, a 5xx,
    a rate limit) leaves it pending for the campaign's push, which sends it again until it is confirmed: the
    creation itself is done. A refusal or a dead token is raised."""
    waiting = _activation_room(campaign)
    if waiting:
        return waiting
    try:
        client.set_active(ids, active=True)
    except PlatformError as error:
        if isinstance(error, Rejected | AuthExpired):
            raise
        connection_record_error(connection=campaign.connection, error=error)
        return error.message[:1000]
    AdCampaign.objects.filter(pk=campaign.pk).update(unconfirmed_raise="")
    return ""


def _push_creation(campaign: AdCampaign) -> AdCampaign:
    AdCampaign.objects.filter(pk=campaign.pk).update(create_attempts=F("create_attempts") + 1)
    client = campaign_client(campaign)
    spec = campaign_spec(campaign)
    ids = campaign_ids(campaign)
    stored_before = len(ids)
    try:
        for level in client.levels:
            if ids.get(level):
                continue
            found = client.find_level(level, spec, ids) if level == campaign.unconfirmed_level else None
            if found is None:
                found = _create_level(campaign, client, level, spec, ids)
            ids[level] = found
            AdCampaign.objects.filter(pk=campaign.pk).update(**{LEVEL_FIELDS[level]: found, "unconfirmed_level": ""})
            campaign.unconfirmed_level = ""
        # The whole chain exists, created paused (an earlier attempt may already have sent the activation).
        AdCampaign.objects.filter(pk=campaign.pk, platform_status="").update(
            platform_status=PlatformStatus.PAUSED, platform_daily_budget_minor=spec.daily_budget_minor
        )
        connection_record_success(connection=campaign.connection)
        campaign.refresh_from_db(fields=["activate_on_create", "status"])
        waiting = _activate(campaign, client, ids) if campaign.activate_on_create else ""
    except Rejected as error:
        connection_record_error(connection=campaign.connection, error=error)
        # The platform answered and activated nothing.
        AdCampaign.objects.filter(pk=campaign.pk, platform_status=PlatformStatus.ACTIVE).update(
            platform_status=PlatformStatus.PAUSED, unconfirmed_raise=""
        )
        _give_up(campaign, error)
        return campaign
    except AuthExpired as error:
        connection_record_error(connection=campaign.connection, error=error)
        return campaign
    except PlatformError as error:
        AdCampaign.objects.filter(pk=campaign.pk).update(last_error=error.message[:1000])
        connection_record_error(connection=campaign.connection, error=error)
        raise CreationInterrupted(error, progressed=len(ids) > stored_before) from error
    return _created(campaign, waiting=waiting)


def _created(campaign: AdCampaign, *, waiting: str) -> AdCampaign:
    """The chain exists at the platform: the draft becomes paused, or active as asked (its activation pending
    while ``waiting`` says why the cap has no room at the platforms yet)."""
    with transaction.atomic():
        campaign = AdCampaign.objects.select_for_update().select_related("store").get(pk=campaign.pk)
        if campaign.status != CampaignStatus.DRAFT:
            return campaign
        campaign_transition(
            campaign=campaign,
            to=CampaignStatus.ACTIVE if campaign.activate_on_create else CampaignStatus.PAUSED,
            actor=SYSTEM,
            kind=ActionKind.CREATE,
            result=ActionResult.APPLIED,
            settles=CampaignAction.objects.filter(campaign=campaign, kind=ActionKind.CREATE),
            last_error="",
        )
        push_due(campaign_id=campaign.pk, at=None)
        if campaign.activate_on_create:
            activation = action_record(
                campaign,
                kind=ActionKind.ACTIVATE,
                actor=SYSTEM,
                reason="Activated on creation as asked, once the spend cap has room at the platforms."
                if waiting
                else "Activated on creation as asked.",
                before={"status": CampaignStatus.PAUSED},
                after={"status": CampaignStatus.ACTIVE},
                result=ActionResult.PENDING if waiting else ActionResult.APPLIED,
                error=waiting,
            )
            if waiting:
                enqueue_apply(activation)
    CAMPAIGNS_CREATED.labels(platform=campaign.platform).inc()
    logger.info("ad campaign created", extra={"campaign_id": campaign.pk, "platform": campaign.platform})
    return campaign


def campaign_creation_failed(*, campaign_id: int, error: PlatformError) -> None:
    """The task gave up retrying: the campaign is in error, with the platform's last message."""
    _give_up(AdCampaign.objects.get(pk=campaign_id), error)
    push_due(campaign_id=campaign_id, at=None)
