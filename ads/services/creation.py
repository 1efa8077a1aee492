"""Recording a new campaign (and its creative): checked once here, then created at the platform by a task
(``ads.services.creation_push``).

A campaign is recorded as a ``draft`` row with its pending ``create`` action, in one transaction with the
guardrail check; the task queued after commit (or the outbox sweep, when that message is lost) creates it at the
platform exactly once.
"""

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from ads.models import (
    CAMPAIGN_LAST_DAY_MAX_DAYS,
    CREATIVE_DESCRIPTION_MAX_LENGTH,
    CREATIVE_DESCRIPTIONS_MAX,
    CREATIVE_HEADLINE_MAX_LENGTH,
    CREATIVE_HEADLINES_MAX,
    CREATIVE_PRIMARY_TEXT_MAX_LENGTH,
    URL_MAX_LENGTH,
    ActionKind,
    AdCampaign,
    AdCreative,
    CampaignStatus,
    Objective,
)
from ads.services.events import action_record, enqueue_create
from ads.services.guardrails import ad_settings_for_store, budget_check, guardrails_check, guardrails_lock
from platforms.ads_common import SALES
from platforms.constants import AD_PLATFORMS, META_ADS, PLATFORM_NAMES, TIKTOK_ADS
from platforms.registry import platform as platform_descriptor
from stores.actors import Actor
from stores.clock import store_today
from stores.connections.selectors import ad_connection_for
from stores.exceptions import ApplicationError
from stores.models import ConnectionStatus, Membership, PlatformConnection, Product, Store
from stores.permissions import membership_require

NAME_MAX = 150


def _validate_creative(*, platform: str, creative: AdCreative, objective: str, store: Store) -> None:
    problems = [] if creative.link_url else ["The creative needs a link."]
    needs = platform_descriptor(platform).creative
    if needs is not None:
        problems += needs.problems(
            headlines=creative.headlines,
            descriptions=creative.descriptions,
            primary_text=creative.primary_text,
            image_url=creative.image_url,
            video_id=creative.video_id,
        )
    problems += ad_settings_problems(store=store, platform=platform, objective=objective)
    if problems:
        raise ApplicationError(" ".join(problems), code="invalid_creative")


def ad_settings_problems(*, store: Store, platform: str, objective: str) -> list[str]:
    """What the store's ads settings lack for a campaign of ``objective`` on ``platform`` (Meta's page, the
    pixels of sales campaigns); [] when nothing. The page an ad speaks as is a setting, not part of a creative."""
    problems = []
    ad_settings = ad_settings_for_store(store=store)
    if platform == META_ADS and not ad_settings.meta_page_id:
        problems.append("Set the Facebook page your Meta ads speak as in the ads settings.")
    if objective == SALES and platform == META_ADS and not ad_settings.meta_pixel_id:
        problems.append("Sales campaigns on Meta need the Meta pixel id in the ads settings.")
    if objective == SALES and platform == TIKTOK_ADS and not ad_settings.tiktok_pixel_id:
        problems.append("Sales campaigns on TikTok need the TikTok pixel id in the ads settings.")
    return problems


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


def _check_dates(start_at: Any, end_at: Any) -> None:
    if end_at and start_at and end_at <= start_at:
        raise ApplicationError("The end must be after the start.", code="invalid_dates")
    if end_at and end_at <= timezone.now():
        raise ApplicationError("The end date must be in the future.", code="invalid_dates")
    latest_end = timezone.now() + dt.timedelta(days=CAMPAIGN_LAST_DAY_MAX_DAYS + 1)
    if end_at and end_at > latest_end:
        raise ApplicationError("The end date is at most two years ahead.", code="invalid_dates")
    if start_at and start_at > latest_end:
        raise ApplicationError("The start date is at most two years ahead.", code="invalid_dates")


def _usable_connection(*, store: Store, platform: str) -> PlatformConnection:
    """The store's active ad connection to ``platform``; refuses an unknown, unconnected or expired one."""
    if platform not in AD_PLATFORMS:
        raise ApplicationError(f"{platform!r} is not an ad platform.", code="invalid_platform")
    connection = ad_connection_for(store=store, platform=platform)
    platform_name = PLATFORM_NAMES[platform]
    if connection is None:
        raise ApplicationError(f"Connect a {platform_name} ad account first.", code="not_connected")
    if connection.status != ConnectionStatus.ACTIVE:
        raise ApplicationError(f"Reconnect {platform_name} first: its connection has expired.", code="reconnect")
    account_currency = connection.ad_account_currency
    if account_currency and account_currency.upper() != store.currency.upper():
        # Budgets go out, and reports come back, in the ad account's currency; the store's caps and totals are in
        # its own. Without a rate between the two, a campaign there would be spent and counted in the wrong unit.
        raise ApplicationError(
            f"The {platform_name} ad account bills in {account_currency} but the store sells in {store.currency}: "
            f"connect an ad account that bills in {store.currency}.",
            code="currency_mismatch",
        )
    return connection


def _check_campaign(*, store: Store, platform: str, name: str, objective: str, daily_budget_minor: Any) -> None:
    """Refuse a name, objective or budget that ``platform`` cannot take (the connection is checked already)."""
    if not name or len(name) > NAME_MAX:
        raise ApplicationError(f"A campaign needs a name of 1 to {NAME_MAX} characters.", code="invalid_name")
    if objective not in Objective.values:
        raise ApplicationError("Choose sales, traffic or awareness.", code="invalid_objective")
    if objective not in platform_descriptor(platform).client_class.objectives:
        raise ApplicationError(
            f"{PLATFORM_NAMES[platform]} campaigns here cannot aim for {objective}.", code="invalid_objective"
        )
    budget_check(daily_budget_minor=daily_budget_minor, currency=store.currency, platform=platform)


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
    connection = _usable_connection(store=store, platform=platform)
    name = name.strip()
    _check_campaign(
        store=store, platform=platform, name=name, objective=objective, daily_budget_minor=daily_budget_minor
    )
    if creative.store_id != store.pk:
        raise ApplicationError("That creative belongs to another store.", code="invalid_creative")
    _validate_creative(platform=platform, creative=creative, objective=objective, store=store)
    _check_dates(start_at, end_at)
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
        action_record(campaign, kind=ActionKind.CREATE, actor=actor, reason="", before={}, after=after)
        enqueue_create(campaign)
    return campaign


def _text_list_problems(texts: list[str], *, what: str, count: int, length: int) -> list[str]:
    problems = []
    if len(texts) > count:
        problems.append(f"At most {count} {what} (the platforms take no more).")
    if any(len(text) > length for text in texts):
        problems.append(f"Each of the {what} is at most {length} characters.")
    return problems


def _creative_problems(
    *,
    name: str,
    link_url: str,
    image_url: str,
    headlines: list[str],
    descriptions: list[str],
    primary_text: str,
    video_id: str,
) -> list[str]:
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
    problems = _creative_problems(
        name=name,
        link_url=link_url,
        image_url=image_url,
        headlines=headlines,
        descriptions=descriptions,
        primary_text=primary_text,
        video_id=video_id,
    )
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
