"""What the three ad platforms' sandbox endpoints share: object ids, ownership checks and delivery history."""

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from platforms.constants import GOOGLE_ADS, META_ADS, TIKTOK_ADS, currency_exponent
from sandbox.errors import Failure, SandboxError
from sandbox.models import AccountKind, SandboxAccount, SandboxToken
from sandbox.models.ads import AdObjectKind, SandboxAdHistory, SandboxAdObject

ON_STATUSES = frozenset({"ACTIVE", "ENABLED", "ENABLE"})
GONE_STATUSES = frozenset({"DELETED", "ARCHIVED", "REMOVED", "DELETE"})

# Id shapes: Meta's are 18-digit numbers, Google's 11-digit, TikTok's 19-digit.
_ID_PREFIX = {META_ADS: ("1202", 14), GOOGLE_ADS: ("2", 10), TIKTOK_ADS: ("18", 17)}


def new_external_id(platform: str) -> str:
    prefix, digits = _ID_PREFIX[platform]
    return f"{prefix}{secrets.randbelow(10**digits):0{digits}d}"


def ad_account_for(token: SandboxToken, external_id: str) -> SandboxAccount:
    """The ad account ``external_id`` if the token's user may manage it; else the platform's permission error."""
    account = SandboxAccount.objects.filter(
        platform=token.platform, kind=AccountKind.AD_ACCOUNT, external_id=external_id, owner=token.account
    ).first()
    if account is None:
        raise SandboxError(Failure.SCOPE, f"The user has no access to the ad account {external_id}.")
    return account


def object_in(account: SandboxAccount, external_id: str, *, kind: str | None = None) -> SandboxAdObject:
    qs = SandboxAdObject.objects.filter(platform=account.platform, account=account, external_id=str(external_id))
    if kind:
        qs = qs.filter(kind=kind)
    obj = qs.select_related("campaign", "parent", "budget").first()
    if obj is None:
        raise SandboxError(Failure.NOT_FOUND, f"The object {external_id} does not exist or cannot be accessed.")
    return obj


def object_for_token(token: SandboxToken, external_id: str) -> SandboxAdObject:
    """An object by id anywhere among the ad accounts the token's user manages (Graph node style)."""
    obj = (
        SandboxAdObject.objects.filter(
            platform=token.platform, external_id=str(external_id), account__owner=token.account
        )
        .select_related("campaign", "parent", "account")
        .first()
    )
    if obj is None:
        raise SandboxError(
            Failure.NOT_FOUND,
            f"Unsupported get request. Object with ID '{external_id}' does not exist, cannot be loaded due to "
            "missing permissions, or does not support this operation.",
        )
    return obj


def create_object(
    *,
    account: SandboxAccount,
    kind: str,
    name: str,
    status: str,
    parent: SandboxAdObject | None = None,
    objective: str = "",
    daily_budget_minor: int | None = None,
    budget: SandboxAdObject | None = None,
    landing_url: str = "",
    request_id: str = "",
    data: dict | None = None,
) -> SandboxAdObject:
    """Insert one object (a fresh platform id, retried on the rare collision) and record the campaign's delivery."""
    campaign = None
    if parent is not None:
        campaign = parent if parent.kind == AdObjectKind.CAMPAIGN else parent.campaign
    for _ in range(5):
        try:
            with transaction.atomic():
                obj = SandboxAdObject.objects.create(
                    platform=account.platform,
                    account=account,
                    kind=kind,
                    external_id=new_external_id(account.platform),
                    parent=parent,
                    campaign=campaign,
                    name=name,
                    status=status,
                    objective=objective,
                    daily_budget_minor=daily_budget_minor,
                    budget=budget,
                    landing_url=landing_url,
                    request_id=request_id,
                    data=data or {},
                    created_at=timezone.now(),
                )
                break
        except IntegrityError:
            continue
    else:  # pragma: no cover - five 10^10-sized collisions in a row do not happen
        raise SandboxError(Failure.SERVER, "Could not allocate an id.")
    record_delivery(obj.campaign if obj.campaign_id else obj)
    return obj


def is_on(status: str) -> bool:
    return status in ON_STATUSES


def delivery_of(campaign: SandboxAdObject) -> tuple[bool, int]:
    """Whether the campaign serves right now and at what daily budget (minor units).

    It serves when it is on, and at least one ad set / ad group under it is on with an ad that is on. The budget
    is the campaign's own (Meta CBO, TikTok campaign budget, Google's shared budget object) or else the sum of its
    serving ad sets' budgets.
    """
    if campaign.kind != AdObjectKind.CAMPAIGN or not is_on(campaign.status):
        return False, 0
    adsets = list(SandboxAdObject.objects.filter(parent=campaign, kind=AdObjectKind.ADSET))
    on_ads = set(
        SandboxAdObject.objects.filter(campaign=campaign, kind=AdObjectKind.AD, status__in=ON_STATUSES).values_list(
            "parent_id", flat=True
        )
    )
    serving = [a for a in adsets if is_on(a.status) and a.pk in on_ads]
    if not serving:
        return False, 0
    if campaign.budget_id:
        budget = SandboxAdObject.objects.get(pk=campaign.budget_id).daily_budget_minor or 0
    elif campaign.daily_budget_minor:
        budget = campaign.daily_budget_minor
    else:
        budget = sum(a.daily_budget_minor or 0 for a in serving)
    return budget > 0, budget


def record_delivery(obj: SandboxAdObject) -> None:
    """Append the delivery state of the campaigns ``obj`` belongs to, when it changed."""
    if obj.kind == AdObjectKind.BUDGET:
        campaigns = list(obj.budget_users.all())
    elif obj.kind == AdObjectKind.CAMPAIGN:
        campaigns = [obj]
    elif obj.campaign_id:
        campaigns = [SandboxAdObject.objects.get(pk=obj.campaign_id)]
    else:
        campaigns = []
    now = timezone.now()
    for campaign in campaigns:
        delivering, budget = delivery_of(campaign)
        last = SandboxAdHistory.objects.filter(campaign=campaign).order_by("-at", "-pk").first()
        if last is None or (last.delivering, last.daily_budget_minor) != (delivering, budget):
            SandboxAdHistory.objects.create(campaign=campaign, at=now, delivering=delivering, daily_budget_minor=budget)


def active_total_timeline(*, accounts: list[SandboxAccount]) -> list[tuple[dt.datetime, int]]:
    """The platform-side total of the daily budgets the accounts' campaigns deliver at, after every change.

    One entry per delivery-history row, in the order the changes happened: (when, total of the campaigns serving
    then). Read it to check what the platforms really delivered against a store's spend cap (its maximum), not
    what the hub believed."""
    rows = SandboxAdHistory.objects.filter(campaign__account__in=accounts).order_by("pk")
    current: dict[int, int] = {}
    timeline: list[tuple[dt.datetime, int]] = []
    for row in rows.only("campaign_id", "at", "delivering", "daily_budget_minor"):
        current[row.campaign_id] = row.daily_budget_minor if row.delivering else 0
        timeline.append((row.at, sum(current.values())))
    return timeline


def update_object(obj: SandboxAdObject, **fields: object) -> SandboxAdObject:
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    record_delivery(obj)
    return obj


def require(data: dict, *names: str) -> None:
    for name in names:
        if data.get(name) in (None, "", [], {}):
            raise SandboxError(Failure.VALIDATION, f"The parameter {name} is required.")


def parse_end_time(value: object, *, zone: dt.tzinfo = dt.UTC, name: str = "end_time") -> str:
    """An end time as the client sent it (ISO 8601 with or without an offset, ``yyyy-mm-dd hh:mm:ss`` read in
    ``zone``, or Unix seconds), as an aware ISO string; refused when malformed or not in the future."""
    text = str(value).strip()
    try:
        when = dt.datetime.fromtimestamp(int(text), dt.UTC) if text.isdigit() else dt.datetime.fromisoformat(text)
    except (ValueError, OverflowError) as exc:
        raise SandboxError(Failure.VALIDATION, f"Invalid parameter: {name} is not a valid date and time.") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone)
    if when <= timezone.now():
        raise SandboxError(Failure.VALIDATION, f"Invalid parameter: {name} must be in the future.")
    return when.astimezone(dt.UTC).isoformat()


def to_int(value: object, name: str) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError) as exc:
        raise SandboxError(Failure.VALIDATION, f"The parameter {name} must be an integer.") from exc


def minor_to_major(minor: int, currency: str) -> float:
    """1234 USD → 12.34, 1200 JPY → 1200.0: an amount in minor units as the platforms' JSON carries it."""
    return minor / 10 ** currency_exponent(currency)


def major_to_minor(amount: float, currency: str) -> int:
    """12.34 USD → 1234, 1200 JPY → 1200: an amount a platform was sent in major units, in minor units."""
    return round(amount * 10 ** currency_exponent(currency))
