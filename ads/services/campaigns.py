"""The campaign lifecycle: create (exactly once, at the platform), pause, resume, change budget, archive, and
holding campaigns whose connection went bad.

Each change is recorded first (the campaign row holds the desired state, a ``CampaignAction`` says who asked for
it and why) inside one transaction with the guardrail check, then a task pushes it to the platform
(``ads.services.pushing``); the outbox sweep delivers what a lost task message left pending. A platform refusal
undoes the change here and marks the action failed; a dead token marks the connection expired and holds its
campaigns; transient failures and rate limits are retried by the task.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ads.metrics import CAMPAIGNS_CREATED
from ads.models import (
    CAMPAIGN_LAST_DAY_MAX_DAYS,
    CREATIVE_DESCRIPTION_MAX_LENGTH,
    CREATIVE_DESCRIPTIONS_MAX,
    CREATIVE_HEADLINE_MAX_LENGTH,
    CREATIVE_HEADLINES_MAX,
    CREATIVE_PRIMARY_TEXT_MAX_LENGTH,
    MONEY_MAX_MINOR,
    URL_MAX_LENGTH,
    ActionKind,
    ActionResult,
    ActorKind,
    AdCampaign,
    AdCreative,
    AdRule,
    CampaignAction,
    CampaignStatus,
    Objective,
    PlatformStatus,
)
from ads.services.guardrails import (
    ad_settings_for_store,
    guardrails_check,
    guardrails_lock,
    money,
    platform_room_check,
)
from ads.services.outbox import enqueue_after_commit, push_claim, push_due, push_release
from platforms.ads_common import SALES, AdsClient, CampaignSpec, ads_client, ads_client_class
from platforms.constants import AD_PLATFORMS, GOOGLE_ADS, META_ADS, PLATFORM_NAMES, TIKTOK_ADS
from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected
from stores.clock import store_today
from stores.connections import connection_record_error, connection_record_success
from stores.exceptions import ApplicationError
from stores.models import ConnectionStatus, Membership, PlatformConnection, Product, Store
from stores.permissions import membership_require

logger = logging.getLogger("ads")

LEVEL_FIELDS = {
    "budget": "external_budget_id",
    "campaign": "external_campaign_id",
    "adset": "external_adset_id",
    "creative": "external_creative_id",
    "ad": "external_ad_id",
}
UTM_SOURCES = {META_ADS: ("meta", "paid_social"), GOOGLE_ADS: ("google", "cpc"), TIKTOK_ADS: ("tiktok", "paid_social")}
NAME_MAX = 150


@dataclass(frozen=True)
class Actor:
    """Who or what asks for a change: a member, an API key, a rule, a workflow or Growth Hub itself."""

    kind: str
    user: AbstractBaseUser | None = None
    membership: Membership | None = None
    rule: AdRule | None = None
    label: str = ""

    @classmethod
    def member(cls, membership: Membership) -> "Actor":
        return cls(kind=ActorKind.USER, user=membership.user, membership=membership)

    def require_write(self) -> None:
        if self.membership is not None:
            membership_require(self.membership, write=True)


SYSTEM = Actor(kind=ActorKind.SYSTEM)


def campaign_utm_value(campaign: AdCampaign) -> str:
    """The ``utm_campaign`` of the campaign's landing links, which attribution matches orders on."""
    return f"gh-ad-{campaign.pk}"


def landing_url_for(campaign: AdCampaign, link: str) -> str:
    source, medium = UTM_SOURCES[campaign.platform]
    parts = urlsplit(link)
    query = dict(parse_qsl(parts.query))
    query |= {"utm_source": source, "utm_medium": medium, "utm_campaign": campaign_utm_value(campaign)}
    if campaign.creative_id:
        query["utm_content"] = f"creative-{campaign.creative_id}"
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def _record(
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
    return CampaignAction.objects.create(
        store=campaign.store,
        campaign=campaign,
        kind=kind,
        actor_kind=actor.kind,
        actor_user=actor.user,
        rule=actor.rule,
        actor_label=actor.label[:120],
        reason=reason[:500],
        before=before,
        after=after,
        result=result,
        error=error,
        finished_at=None if result == ActionResult.PENDING else timezone.now(),
    )


def _enqueue_apply(action: CampaignAction) -> None:
    """The campaign's push is due now; a task is queued after commit (a refused message is left to the sweep)."""
    from ads.tasks import campaign_action_apply_task

    push_due(campaign_id=action.campaign_id, at=timezone.now())
    pk = action.pk
    enqueue_after_commit(
        lambda: campaign_action_apply_task.delay(pk), what="campaign_action_apply", campaign_id=action.campaign_id
    )


def _enqueue_create(campaign: AdCampaign) -> None:
    from ads.tasks import campaign_create_task

    push_due(campaign_id=campaign.pk, at=timezone.now())
    pk = campaign.pk
    enqueue_after_commit(lambda: campaign_create_task.delay(pk), what="campaign_create", campaign_id=pk)


def ad_connection_for(*, store: Store, platform: str) -> PlatformConnection | None:
    connections = PlatformConnection.objects.filter(store=store, platform=platform).exclude(ad_account_id="")
    return connections.filter(status=ConnectionStatus.ACTIVE).first() or connections.first()


def _validate_creative(*, platform: str, creative: AdCreative, objective: str, store: Store) -> None:
    problems = []
    if not creative.link_url:
        problems.append("The creative needs a link.")
    if platform == GOOGLE_ADS and (len(creative.headlines) < 3 or len(creative.descriptions) < 2):
        problems.append("Google search ads need at least 3 headlines and 2 descriptions.")
    if platform == TIKTOK_ADS and not creative.video_id:
        problems.append("TikTok ads need a video id.")
    if platform == META_ADS and not creative.headlines:
        problems.append("Meta ads need a headline.")
    ad_settings = ad_settings_for_store(store=store)
    if platform == META_ADS and not ad_settings.meta_page_id:
        problems.append("Set the Facebook page your Meta ads speak as in the ads settings.")
    if objective == SALES and platform == META_ADS and not ad_settings.meta_pixel_id:
        problems.append("Sales campaigns on Meta need the Meta pixel id in the ads settings.")
    if objective == SALES and platform == TIKTOK_ADS and not ad_settings.tiktok_pixel_id:
        problems.append("Sales campaigns on TikTok need the TikTok pixel id in the ads settings.")
    if problems:
        raise ApplicationError(" ".join(problems), code="invalid_creative")


def last_day_range(*, store: Store, now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """The last days a campaign may be given: from today to two years ahead, on the store's calendar."""
    today = store_today(store=store, now=now)
    return today, today + dt.timedelta(days=CAMPAIGN_LAST_DAY_MAX_DAYS)


def campaign_end_for(*, store: Store, last_day: dt.date | None) -> dt.datetime | None:
    """A campaign that runs through ``last_day`` (the store's calendar) ends at the store's next midnight.

    Refuses (ApplicationError) a last day before today or more than two years ahead."""
    if last_day is None:
        return None
    first, last = last_day_range(store=store)
    if not first <= last_day <= last:
        raise ApplicationError(
            f"The last day must be between {first.isoformat()} and {last.isoformat()} (today to two years ahead, "
            f"on the store's calendar).",
            code="invalid_dates",
            extra={"earliest": first.isoformat(), "latest": last.isoformat()},
        )
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=store.tzinfo)


def _check_budget(daily_budget_minor: Any, currency: str) -> None:
    """Refuse a daily budget that is not a whole number of minor units up to MONEY_MAX_MINOR."""
    if isinstance(daily_budget_minor, bool) or not isinstance(daily_budget_minor, int):
        raise ApplicationError("The daily budget is a whole number of minor units.", code="invalid_budget")
    if daily_budget_minor > MONEY_MAX_MINOR:
        raise ApplicationError(
            f"A daily budget is at most {money(MONEY_MAX_MINOR, currency)}.",
            code="invalid_budget",
            extra={"maximum_minor": MONEY_MAX_MINOR},
        )


def campaign_create(
    *,
    store: Store,
    platform: str,
    name: str,
    objective: str,
    daily_budget_minor: int,
    creative: AdCreative,
    actor: Actor,
    activate: bool = False,
    product: Product | None = None,
    start_at: Any = None,
    end_at: Any = None,
    source_post_id: int | None = None,
) -> AdCampaign:
    """Record a new campaign and have it created at the platform (paused, then activated when ``activate``).

    Refuses (ApplicationError, nothing written) an unconnected platform, an unknown objective, a budget under the
    platform's minimum or over the guardrails, and a creative the platform cannot run.
    """
    actor.require_write()
    if platform not in AD_PLATFORMS:
        raise ApplicationError(f"{platform!r} is not an ad platform.", code="invalid_platform")
    connection = ad_connection_for(store=store, platform=platform)
    platform_name = PLATFORM_NAMES[platform]
    if connection is None:
        raise ApplicationError(f"Connect a {platform_name} ad account first.", code="not_connected")
    if connection.status != ConnectionStatus.ACTIVE:
        raise ApplicationError(f"Reconnect {platform_name} first: its connection has expired.", code="reconnect")
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise ApplicationError(f"A campaign needs a name of 1 to {NAME_MAX} characters.", code="invalid_name")
    client = ads_client_class(platform)
    if objective not in Objective.values:
        raise ApplicationError("Choose sales, traffic or awareness.", code="invalid_objective")
    if objective not in client.objectives:
        raise ApplicationError(f"{platform_name} campaigns here cannot aim for {objective}.", code="invalid_objective")
    _check_budget(daily_budget_minor, store.currency)
    if daily_budget_minor < client.min_daily_budget_minor:
        raise ApplicationError(
            f"{platform_name} needs a daily budget of at least {money(client.min_daily_budget_minor, store.currency)}.",
            code="budget_below_minimum",
            extra={"minimum_minor": client.min_daily_budget_minor},
        )
    if creative.store_id != store.pk:
        raise ApplicationError("That creative belongs to another store.", code="invalid_creative")
    _validate_creative(platform=platform, creative=creative, objective=objective, store=store)
    if end_at and start_at and end_at <= start_at:
        raise ApplicationError("The end must be after the start.", code="invalid_dates")
    if end_at and end_at <= timezone.now():
        raise ApplicationError("The end date must be in the future.", code="invalid_dates")
    latest_end = timezone.now() + dt.timedelta(days=CAMPAIGN_LAST_DAY_MAX_DAYS + 1)
    if end_at and end_at > latest_end:
        raise ApplicationError("The end date is at most two years ahead.", code="invalid_dates")
    if start_at and start_at > latest_end:
        raise ApplicationError("The start date is at most two years ahead.", code="invalid_dates")
    with transaction.atomic():
        settings_row = guardrails_lock(store=store)
        campaign = AdCampaign(
            store=store,
            platform=platform,
            connection=connection,
            name=name,
            objective=objective,
            status=CampaignStatus.DRAFT,
            activate_on_create=activate,
            daily_budget_minor=daily_budget_minor,
            currency=store.currency,
            start_at=start_at,
            end_at=end_at,
            product=product or creative.product,
            creative=creative,
            source_post_id=source_post_id,
            created_by=actor.user,
        )
        guardrails_check(
            settings_row=settings_row, campaign=campaign, daily_budget_minor=daily_budget_minor, will_be_active=activate
        )
        campaign.save()
        after = {"daily_budget_minor": daily_budget_minor, "objective": objective, "activate": activate}
        _record(campaign, kind=ActionKind.CREATE, actor=actor, reason="", before={}, after=after)
        _enqueue_create(campaign)
    return campaign


def _client(campaign: AdCampaign) -> AdsClient:
    connection = campaign.connection
    return ads_client(campaign.platform, access_token=connection.access_token, account_id=connection.ad_account_id)


def _ids(campaign: AdCampaign) -> dict[str, str]:
    return {level: getattr(campaign, field) for level, field in LEVEL_FIELDS.items() if getattr(campaign, field)}


def campaign_spec(campaign: AdCampaign) -> CampaignSpec:
    creative = campaign.creative
    ad_settings = ad_settings_for_store(store=campaign.store)
    pixel = ad_settings.meta_pixel_id if campaign.platform == META_ADS else ad_settings.tiktok_pixel_id
    return CampaignSpec(
        name=campaign.platform_name,
        objective=campaign.objective,
        daily_budget_minor=campaign.daily_budget_minor,
        currency=campaign.currency,
        landing_url=landing_url_for(campaign, creative.link_url),
        headlines=list(creative.headlines),
        descriptions=list(creative.descriptions),
        primary_text=creative.primary_text,
        image_url=creative.image_url,
        video_id=creative.video_id,
        request_key=int(campaign.intent_id.hex[:15], 16),
        page_id=ad_settings.meta_page_id,
        pixel_id=pixel,
        display_name=campaign.store.name,
        end_at=campaign.end_at,
        timezone=campaign.store.timezone,
    )


def _give_up(campaign: AdCampaign, action_kind: str, error: PlatformError) -> None:
    with transaction.atomic():
        AdCampaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DRAFT).update(
            status=CampaignStatus.ERROR, last_error=error.message[:1000]
        )
        CampaignAction.objects.filter(campaign=campaign, kind=action_kind, result=ActionResult.PENDING).update(
            result=ActionResult.FAILED, error=error.message[:1000], finished_at=timezone.now()
        )


class CreationInterrupted(Exception):
    """A creation attempt stopped on a Transient or RateLimited ``error``. ``progressed``: it stored at least one
    new level before stopping, so the next attempt starts further along (the task's retry budget counts only
    attempts that got nowhere)."""

    def __init__(self, error: PlatformError, *, progressed: bool) -> None:
        super().__init__(error.message)
        self.error = error
        self.progressed = progressed


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
            AdCampaign.objects.filter(pk=campaign.pk).update(platform_status=PlatformStatus.ACTIVE)
    return why


def _push_creation(campaign: AdCampaign) -> AdCampaign:
    AdCampaign.objects.filter(pk=campaign.pk).update(create_attempts=F("create_attempts") + 1)
    client = _client(campaign)
    spec = campaign_spec(campaign)
    ids = _ids(campaign)
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
        campaign.refresh_from_db(fields=["activate_on_create", "status"])
        waiting = _activation_room(campaign) if campaign.activate_on_create else ""
        if campaign.activate_on_create and not waiting:
            client.set_active(ids, active=True)
    except Rejected as error:
        connection_record_error(connection=campaign.connection, error=error)
        # The platform answered and activated nothing.
        AdCampaign.objects.filter(pk=campaign.pk, platform_status=PlatformStatus.ACTIVE).update(
            platform_status=PlatformStatus.PAUSED
        )
        _give_up(campaign, ActionKind.CREATE, error)
        return campaign
    except AuthExpired as error:
        connection_record_error(connection=campaign.connection, error=error)
        return campaign
    except PlatformError as error:
        AdCampaign.objects.filter(pk=campaign.pk).update(last_error=error.message[:1000])
        connection_record_error(connection=campaign.connection, error=error)
        raise CreationInterrupted(error, progressed=len(ids) > stored_before) from error
    connection_record_success(connection=campaign.connection)
    with transaction.atomic():
        campaign = AdCampaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != CampaignStatus.DRAFT:
            return campaign
        campaign.status = CampaignStatus.ACTIVE if campaign.activate_on_create else CampaignStatus.PAUSED
        campaign.last_error = ""
        campaign.save(update_fields=["status", "last_error", "updated_at"])
        CampaignAction.objects.filter(campaign=campaign, kind=ActionKind.CREATE, result=ActionResult.PENDING).update(
            result=ActionResult.APPLIED, finished_at=timezone.now()
        )
        push_due(campaign_id=campaign.pk, at=None)
        if campaign.activate_on_create and waiting:
            activation = _record(
                campaign,
                kind=ActionKind.ACTIVATE,
                actor=SYSTEM,
                reason="Activated on creation as asked, once the spend cap has room at the platforms.",
                before={"status": CampaignStatus.PAUSED},
                after={"status": CampaignStatus.ACTIVE},
                error=waiting,
            )
            _enqueue_apply(activation)
        elif campaign.activate_on_create:
            _record(
                campaign,
                kind=ActionKind.ACTIVATE,
                actor=SYSTEM,
                reason="Activated on creation as asked.",
                before={"status": CampaignStatus.PAUSED},
                after={"status": CampaignStatus.ACTIVE},
                result=ActionResult.APPLIED,
            )
    CAMPAIGNS_CREATED.labels(platform=campaign.platform).inc()
    logger.info("ad campaign created", extra={"campaign_id": campaign.pk, "platform": campaign.platform})
    return campaign


def campaign_creation_failed(*, campaign_id: int, error: PlatformError) -> None:
    """The task gave up retrying: the campaign is in error, with the platform's last message."""
    _give_up(AdCampaign.objects.get(pk=campaign_id), ActionKind.CREATE, error)
    push_due(campaign_id=campaign_id, at=None)


def _locked(campaign: AdCampaign, *, guard: bool = False) -> tuple[AdCampaign, Any]:
    """Lock (guardrails first, always in this order) and reload the campaign. Inside a transaction."""
    settings_row = guardrails_lock(store=campaign.store) if guard else None
    fresh = AdCampaign.objects.select_for_update().select_related("store", "connection").get(pk=campaign.pk)
    return fresh, settings_row


def _refuse_transition(campaign: AdCampaign, what: str) -> ApplicationError:
    if campaign.status == CampaignStatus.HELD:
        return ApplicationError(
            f"“{campaign.name}” is held: reconnect {PLATFORM_NAMES[campaign.platform]} first.", code="campaign_held"
        )
    return ApplicationError(
        f"“{campaign.name}” is {campaign.get_status_display().lower()} and cannot be {what}.",
        code="invalid_transition",
    )


def _pending_again(campaign: AdCampaign, kinds: tuple[str, ...]) -> CampaignAction | None:
    """The same change asked again while the platform has not confirmed it yet: make sure its push is queued (the
    first message may have been lost) and answer with the pending action, rather than doing nothing silently."""
    action = (
        CampaignAction.objects.filter(campaign=campaign, kind__in=kinds, result=ActionResult.PENDING)
        .order_by("-pk")
        .first()
    )
    if action is not None:
        _enqueue_apply(action)
    return action


@transaction.atomic
def campaign_pause(*, campaign: AdCampaign, actor: Actor, reason: str = "") -> CampaignAction:
    """Pause a campaign (a draft that was to start active is created paused instead). Asked again while the
    platform has not confirmed the pause, it makes sure the pause is queued and returns the pending action."""
    actor.require_write()
    campaign, _ = _locked(campaign)
    if campaign.status == CampaignStatus.PAUSED and campaign.pending_change == "pausing":
        pending = _pending_again(campaign, (ActionKind.PAUSE,))
        if pending is not None:
            return pending
    if campaign.status == CampaignStatus.DRAFT and campaign.activate_on_create:
        campaign.activate_on_create = False
        campaign.save(update_fields=["activate_on_create", "updated_at"])
        return _record(
            campaign,
            kind=ActionKind.PAUSE,
            actor=actor,
            reason=reason,
            before={"activate_on_create": True},
            after={"activate_on_create": False},
            result=ActionResult.APPLIED,
        )
    if campaign.status != CampaignStatus.ACTIVE:
        raise _refuse_transition(campaign, "paused")
    campaign.status = CampaignStatus.PAUSED
    campaign.save(update_fields=["status", "updated_at"])
    action = _record(
        campaign,
        kind=ActionKind.PAUSE,
        actor=actor,
        reason=reason,
        before={"status": CampaignStatus.ACTIVE},
        after={"status": CampaignStatus.PAUSED},
    )
    _enqueue_apply(action)
    return action


@transaction.atomic
def campaign_resume(*, campaign: AdCampaign, actor: Actor, reason: str = "") -> CampaignAction:
    """Activate a paused campaign; refused when its budget would take the store over its daily cap. Asked again
    while the platform has not confirmed the activation, it makes sure it is queued and returns the pending
    action."""
    actor.require_write()
    campaign, settings_row = _locked(campaign, guard=True)
    if campaign.status == CampaignStatus.ACTIVE and campaign.pending_change == "activating":
        pending = _pending_again(campaign, (ActionKind.RESUME, ActionKind.ACTIVATE))
        if pending is not None:
            return pending
    if campaign.status == CampaignStatus.DRAFT and not campaign.activate_on_create:
        guardrails_check(
            settings_row=settings_row,
            campaign=campaign,
            daily_budget_minor=campaign.daily_budget_minor,
            will_be_active=True,
        )
        campaign.activate_on_create = True
        campaign.save(update_fields=["activate_on_create", "updated_at"])
        return _record(
            campaign,
            kind=ActionKind.RESUME,
            actor=actor,
            reason=reason,
            before={"activate_on_create": False},
            after={"activate_on_create": True},
            result=ActionResult.APPLIED,
        )
    if campaign.status != CampaignStatus.PAUSED:
        raise _refuse_transition(campaign, "resumed")
    budget = campaign.daily_budget_minor
    guardrails_check(settings_row=settings_row, campaign=campaign, daily_budget_minor=budget, will_be_active=True)
    campaign.status = CampaignStatus.ACTIVE
    campaign.save(update_fields=["status", "updated_at"])
    action = _record(
        campaign,
        kind=ActionKind.RESUME,
        actor=actor,
        reason=reason,
        before={"status": CampaignStatus.PAUSED},
        after={"status": CampaignStatus.ACTIVE},
    )
    _enqueue_apply(action)
    return action


@transaction.atomic
def campaign_change_budget(
    *, campaign: AdCampaign, daily_budget_minor: int, actor: Actor, reason: str = ""
) -> CampaignAction:
    """Set a new daily budget; refused under the platform minimum, over the per-campaign maximum, or (for an
    active campaign) when active budgets would pass the store's daily cap."""
    actor.require_write()
    campaign, settings_row = _locked(campaign, guard=True)
    if campaign.status not in (CampaignStatus.ACTIVE, CampaignStatus.PAUSED):
        raise _refuse_transition(campaign, "given a new budget")
    _check_budget(daily_budget_minor, campaign.currency)
    minimum = ads_client_class(campaign.platform).min_daily_budget_minor
    if daily_budget_minor < minimum:
        raise ApplicationError(
            f"{PLATFORM_NAMES[campaign.platform]} needs a daily budget of at least "
            f"{money(minimum, campaign.currency)}.",
            code="budget_below_minimum",
            extra={"minimum_minor": minimum},
        )
    guardrails_check(
        settings_row=settings_row,
        campaign=campaign,
        daily_budget_minor=daily_budget_minor,
        will_be_active=campaign.status == CampaignStatus.ACTIVE,
    )
    before = {"daily_budget_minor": campaign.daily_budget_minor}
    campaign.daily_budget_minor = daily_budget_minor
    campaign.save(update_fields=["daily_budget_minor", "updated_at"])
    action = _record(
        campaign,
        kind=ActionKind.BUDGET,
        actor=actor,
        reason=reason,
        before=before,
        after={"daily_budget_minor": daily_budget_minor},
    )
    _enqueue_apply(action)
    return action


@transaction.atomic
def campaign_archive(*, campaign: AdCampaign, actor: Actor, reason: str = "") -> CampaignAction:
    actor.require_write()
    campaign, _ = _locked(campaign)
    if campaign.status == CampaignStatus.ARCHIVED and campaign.pending_change == "archiving":
        pending = _pending_again(campaign, (ActionKind.ARCHIVE,))
        if pending is not None:
            return pending
    archivable = (CampaignStatus.ACTIVE, CampaignStatus.PAUSED, CampaignStatus.COMPLETED, CampaignStatus.ERROR)
    if campaign.status not in archivable:
        raise _refuse_transition(campaign, "archived")
    before = {"status": campaign.status}
    campaign.status = CampaignStatus.ARCHIVED
    campaign.save(update_fields=["status", "updated_at"])
    pushed = bool(campaign.external_campaign_id)
    action = _record(
        campaign,
        kind=ActionKind.ARCHIVE,
        actor=actor,
        reason=reason,
        before=before,
        after={"status": CampaignStatus.ARCHIVED},
        result=ActionResult.PENDING if pushed else ActionResult.APPLIED,
    )
    if pushed:
        _enqueue_apply(action)
    return action


@transaction.atomic
def campaigns_hold_for_connection(*, connection: PlatformConnection, reason: str) -> int:
    """Hold every live campaign of a connection that went bad; returns how many. Held campaigns keep their place
    under the spend cap (if they were active) and nothing is sent for them until the merchant reconnects."""
    held = 0
    live = (CampaignStatus.DRAFT, CampaignStatus.ACTIVE, CampaignStatus.PAUSED)
    for campaign in AdCampaign.objects.select_for_update().filter(connection=connection, status__in=live):
        before = {"status": campaign.status}
        campaign.status_before_hold, campaign.status = campaign.status, CampaignStatus.HELD
        campaign.hold_reason = reason[:300]
        campaign.save(update_fields=["status", "status_before_hold", "hold_reason", "updated_at"])
        _record(
            campaign,
            kind=ActionKind.HOLD,
            actor=SYSTEM,
            reason=reason,
            before=before,
            after={"status": CampaignStatus.HELD},
            result=ActionResult.APPLIED,
        )
        held += 1
    return held


@transaction.atomic
def campaigns_release_for_connection(*, connection: PlatformConnection) -> int:
    """After a reconnect: put held campaigns back as they were, resume unfinished creations and push pending
    changes again. Returns how many were released."""
    released = 0
    for campaign in AdCampaign.objects.select_for_update().filter(connection=connection, status=CampaignStatus.HELD):
        restored = campaign.status_before_hold or CampaignStatus.PAUSED
        campaign.status, campaign.status_before_hold, campaign.hold_reason = restored, "", ""
        campaign.save(update_fields=["status", "status_before_hold", "hold_reason", "updated_at"])
        _record(
            campaign,
            kind=ActionKind.RELEASE,
            actor=SYSTEM,
            reason="The connection was restored.",
            before={"status": CampaignStatus.HELD},
            after={"status": restored},
            result=ActionResult.APPLIED,
        )
        if restored == CampaignStatus.DRAFT:
            _enqueue_create(campaign)
        for action in CampaignAction.objects.filter(campaign=campaign, result=ActionResult.PENDING).exclude(
            kind=ActionKind.CREATE
        ):
            _enqueue_apply(action)
        released += 1
    return released


def _text_list_problems(texts: list[str], *, what: str, count: int, length: int) -> list[str]:
    problems = []
    if len(texts) > count:
        problems.append(f"At most {count} {what} (the platforms take no more).")
    if any(len(text) > length for text in texts):
        problems.append(f"Each of the {what} is at most {length} characters.")
    return problems


@transaction.atomic
def creative_create(
    *,
    store: Store,
    name: str,
    link_url: str,
    headlines: list[str],
    descriptions: list[str] | None = None,
    primary_text: str = "",
    image_url: str = "",
    video_id: str = "",
    product: Product | None = None,
    by: Membership | None = None,
) -> AdCreative:
    """A creative for this store's campaigns; the platform-specific requirements are checked when it is used."""
    if by is not None:
        membership_require(by, write=True)
    name = name.strip()
    headlines = [h.strip() for h in headlines if h and h.strip()]
    descriptions = [d.strip() for d in descriptions or [] if d and d.strip()]
    primary_text, video_id = primary_text.strip(), video_id.strip()
    problems = []
    if not name or len(name) > 200:
        problems.append("Give the creative a name of 1 to 200 characters.")
    if len(link_url) > URL_MAX_LENGTH or len(image_url) > URL_MAX_LENGTH:
        problems.append(f"Links are at most {URL_MAX_LENGTH} characters.")
    elif urlsplit(link_url).scheme not in ("http", "https") or not urlsplit(link_url).netloc:
        problems.append("The link must be an http(s) URL.")
    if image_url and len(image_url) <= URL_MAX_LENGTH and urlsplit(image_url).scheme not in ("http", "https"):
        problems.append("The image must be an http(s) URL.")
    if not headlines:
        problems.append("Add at least one headline.")
    problems += _text_list_problems(
        headlines, what="headlines", count=CREATIVE_HEADLINES_MAX, length=CREATIVE_HEADLINE_MAX_LENGTH
    )
    problems += _text_list_problems(
        descriptions, what="descriptions", count=CREATIVE_DESCRIPTIONS_MAX, length=CREATIVE_DESCRIPTION_MAX_LENGTH
    )
    if len(primary_text) > CREATIVE_PRIMARY_TEXT_MAX_LENGTH:
        problems.append(f"The primary text is at most {CREATIVE_PRIMARY_TEXT_MAX_LENGTH:,} characters.")
    if len(video_id) > 64:
        problems.append("The video id is at most 64 characters.")
    if problems:
        raise ApplicationError(" ".join(problems), code="invalid_creative")
    if product is not None and product.store_id != store.pk:
        raise ApplicationError("That product belongs to another store.", code="invalid_product")
    return AdCreative.objects.create(
        store=store,
        name=name,
        link_url=link_url,
        headlines=headlines,
        descriptions=descriptions,
        primary_text=primary_text,
        image_url=image_url,
        video_id=video_id,
        product=product,
    )


@transaction.atomic
def campaign_create_with_creative(
    *,
    store: Store,
    actor: Actor,
    platform: str,
    name: str,
    objective: str,
    daily_budget_minor: int,
    activate: bool,
    link_url: str,
    headlines: list[str],
    descriptions: list[str],
    primary_text: str,
    image_url: str = "",
    video_id: str = "",
    last_day: dt.date | None = None,
) -> AdCampaign:
    """The new-campaign form: its creative and the campaign, both or neither."""
    creative = creative_create(
        store=store,
        name=name,
        link_url=link_url,
        headlines=headlines,
        descriptions=descriptions,
        primary_text=primary_text,
        image_url=image_url,
        video_id=video_id,
        by=actor.membership,
    )
    return campaign_create(
        store=store,
        platform=platform,
        name=name,
        objective=objective,
        daily_budget_minor=daily_budget_minor,
        creative=creative,
        actor=actor,
        activate=activate,
        end_at=campaign_end_for(store=store, last_day=last_day),
    )
