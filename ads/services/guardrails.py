"""Spend guardrails: a store's daily cap over the budgets of its active campaigns and a per-campaign maximum.

Every change that can raise what a store may spend in a day (activating, resuming, raising a budget, creating a
campaign that starts active) calls ``guardrails_lock`` first and ``guardrails_check`` before writing, inside one
transaction. The lock is a ``SELECT ... FOR UPDATE`` of the store's settings row (on SQLite, transactions are
IMMEDIATE, so writers serialise on the database lock), so two requests racing each see the other's budget.

The cap is kept twice. When a change is asked for, the budgets the merchant wants (``committed_daily_budget``)
must fit. When a change that raises delivery is pushed to the platform, what the platforms may be delivering must
fit too (``platform_room_check``): each campaign counts the larger of what is wanted and what its platform may
still hold (``AdCampaign.platform_*``), so a raise that fits only because another campaign is lowered waits until
that lowering is confirmed at the platform, and the total the platforms deliver never passes the cap.
"""

from typing import Any

from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest

from ads.models import MONEY_MAX_MINOR, AdCampaign, CampaignStatus, PlatformStatus, StoreAdSettings
from platforms.constants import PLATFORM_NAMES
from platforms.registry import platform as platform_descriptor
from stores.exceptions import ApplicationError
from stores.models import Membership, Store
from stores.money import to_major
from stores.permissions import membership_require


def money(minor: int, currency: str) -> str:
    """An amount in the messages of refusals: ``5000`` USD -> ``USD 50.00``, ``1200`` JPY -> ``JPY 1,200``."""
    return f"{currency} {to_major(minor, currency):,}"


def budget_check(*, daily_budget_minor: Any, currency: str, platform: str) -> None:
    """Refuse a daily budget that is not a whole number of minor units up to MONEY_MAX_MINOR, or that is under the
    platform's minimum."""
    if isinstance(daily_budget_minor, bool) or not isinstance(daily_budget_minor, int):
        raise ApplicationError("The daily budget is a whole number of minor units.", code="invalid_budget")
    if daily_budget_minor > MONEY_MAX_MINOR:
        raise ApplicationError(
            f"A daily budget is at most {money(MONEY_MAX_MINOR, currency)}.",
            code="invalid_budget",
            extra={"maximum_minor": MONEY_MAX_MINOR},
        )
    minimum = platform_descriptor(platform).client_class.min_daily_budget_minor
    if daily_budget_minor < minimum:
        raise ApplicationError(
            f"{PLATFORM_NAMES[platform]} needs a daily budget of at least {money(minimum, currency)}.",
            code="budget_below_minimum",
            extra={"minimum_minor": minimum},
        )


def ad_settings_create(*, store: Store) -> StoreAdSettings:
    """A new store's ad settings, with the defaults: run by the ``store_created`` hook in the store's creating
    transaction (registered in ``AdsConfig.ready``). Creating them again changes nothing."""
    settings_row, _ = StoreAdSettings.objects.get_or_create(store=store)
    return settings_row


def ad_settings_for_store(*, store: Store) -> StoreAdSettings:
    """The store's ad settings, for the services that check or write them. Every store has its row from its
    creation on (and a migration gave the older stores theirs); a row missing all the same is created here with
    the defaults, in a service, never in a read (``ads.selectors.ad_settings_get``)."""
    return ad_settings_create(store=store)


def guardrails_lock(*, store: Store) -> StoreAdSettings:
    """Lock the store's settings row until the surrounding transaction ends. Call inside ``transaction.atomic``."""
    ad_settings_for_store(store=store)
    return StoreAdSettings.objects.select_for_update().get(store=store)


def committed_filter() -> Q:
    """Campaigns whose budget counts against the cap: active, about to be activated, or held while active."""
    return (
        Q(status=CampaignStatus.ACTIVE)
        | Q(status=CampaignStatus.DRAFT, activate_on_create=True)
        | Q(status=CampaignStatus.HELD, status_before_hold=CampaignStatus.ACTIVE)
    )


def committed_daily_budget(*, store: Store, exclude: AdCampaign | None = None) -> int:
    qs = AdCampaign.objects.filter(committed_filter(), store=store)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(total=Sum("daily_budget_minor"))["total"] or 0


def platform_exposure_daily_budget(*, store: Store, exclude: AdCampaign | None = None) -> int:
    """The most the store's campaigns may be delivering a day: per campaign, the larger of its committed budget
    and what its platform may hold (an activation or raise sent and not yet confirmed counts as landed; a lowering
    or pause counts only once confirmed). Completed campaigns count nothing: the platform stopped them at their
    end by itself."""
    wanted = Case(When(committed_filter(), then=F("daily_budget_minor")), default=Value(0), output_field=IntegerField())
    held = Case(
        When(
            platform_status=PlatformStatus.ACTIVE,
            then=Coalesce(F("platform_daily_budget_minor"), F("daily_budget_minor")),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    qs = AdCampaign.objects.filter(store=store).exclude(status=CampaignStatus.COMPLETED)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(total=Sum(Greatest(wanted, held)))["total"] or 0


def platform_room_check(*, settings_row: StoreAdSettings, campaign: AdCampaign, daily_budget_minor: int) -> str:
    """Whether ``campaign`` may be delivering at ``daily_budget_minor`` at its platform now: "" when the platforms'
    total stays within the cap, else why it has to wait. ``settings_row`` must be the locked row, and the caller
    writes the raise into ``campaign.platform_*`` in the same transaction before sending it, so two pushes racing
    each count the other."""
    others = platform_exposure_daily_budget(store=campaign.store, exclude=campaign)
    cap = settings_row.daily_spend_cap_minor
    if others + daily_budget_minor <= cap:
        return ""
    currency = campaign.currency or campaign.store.currency
    return (
        f"Waiting for room under the daily spend cap of {money(cap, currency)} at the platforms: other campaigns "
        f"may still be delivering {money(others, currency)} until their lowered budgets or pauses are confirmed."
    )


def guardrails_check(
    *, settings_row: StoreAdSettings, campaign: AdCampaign, daily_budget_minor: int, will_be_active: bool
) -> None:
    """Refuse (ApplicationError, with the numbers) a budget over the per-campaign maximum, or an active total over
    the store's daily cap. ``settings_row`` must be the locked row."""
    currency = campaign.currency or campaign.store.currency
    maximum = settings_row.max_campaign_daily_budget_minor
    if daily_budget_minor > maximum:
        raise ApplicationError(
            f"A daily budget of {money(daily_budget_minor, currency)} is over this store's per-campaign maximum "
            f"of {money(maximum, currency)}.",
            code="campaign_budget_over_maximum",
            extra={"requested_minor": daily_budget_minor, "maximum_minor": maximum},
        )
    if not will_be_active:
        return
    others = committed_daily_budget(store=campaign.store, exclude=campaign)
    cap = settings_row.daily_spend_cap_minor
    if others + daily_budget_minor > cap:
        raise ApplicationError(
            f"Active daily budgets would total {money(others + daily_budget_minor, currency)}, over the store's daily "
            f"spend cap of {money(cap, currency)} ({money(others, currency)} is already committed to other "
            f"campaigns; at most {money(max(cap - others, 0), currency)} is left).",
            code="spend_cap_exceeded",
            extra={
                "cap_minor": cap,
                "committed_minor": others,
                "requested_minor": daily_budget_minor,
                "available_minor": max(cap - others, 0),
            },
        )


@transaction.atomic
def ad_settings_update(
    *,
    store: Store,
    by: Membership | None,
    daily_spend_cap_minor: int,
    max_campaign_daily_budget_minor: int,
    meta_page_id: str = "",
    meta_pixel_id: str = "",
    tiktok_pixel_id: str = "",
) -> StoreAdSettings:
    """Change the guardrails (owners and admins) and page / pixel ids. A cap below what active campaigns already
    commit is refused: pause some first."""
    if by is not None:
        membership_require(by, manage=True)
    caps = (daily_spend_cap_minor, max_campaign_daily_budget_minor)
    if any(isinstance(cap, bool) or not isinstance(cap, int) for cap in caps):
        raise ApplicationError("Caps are whole numbers of minor units.", code="invalid_cap")
    if min(caps) < 0:
        raise ApplicationError("Caps cannot be negative.", code="invalid_cap")
    if max(caps) > MONEY_MAX_MINOR:
        raise ApplicationError(
            f"Caps are at most {money(MONEY_MAX_MINOR, store.currency)} a day.",
            code="invalid_cap",
            extra={"maximum_minor": MONEY_MAX_MINOR},
        )
    if any(len(value) > 64 for value in (meta_page_id, meta_pixel_id, tiktok_pixel_id)):
        raise ApplicationError("Page and pixel ids are at most 64 characters.", code="invalid_id")
    row = guardrails_lock(store=store)
    committed = committed_daily_budget(store=store)
    if daily_spend_cap_minor < committed:
        raise ApplicationError(
            f"Active campaigns already commit {money(committed, store.currency)} a day; pause some before setting "
            f"the cap to {money(daily_spend_cap_minor, store.currency)}.",
            code="cap_below_committed",
            extra={"committed_minor": committed, "cap_minor": daily_spend_cap_minor},
        )
    row.daily_spend_cap_minor = daily_spend_cap_minor
    row.max_campaign_daily_budget_minor = max_campaign_daily_budget_minor
    row.meta_page_id = meta_page_id.strip()
    row.meta_pixel_id = meta_pixel_id.strip()
    row.tiktok_pixel_id = tiktok_pixel_id.strip()
    row.save()
    return row
