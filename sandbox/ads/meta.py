"""Meta Marketing API at the sandbox: ``/sandbox/meta_ads/v<NN>.0/...``.

Creates (``POST /act_{id}/campaigns|adsets|adcreatives|ads``) answer ``{"id"}``; node updates
(``POST /{id}/``) answer ``{"success": true}``; node reads (``GET /{id}/?fields=``) and edge lists
(``GET /act_{id}/campaigns?filtering=...``) answer the requested fields; insights
(``GET /{campaign_id}/insights`` or ``/act_{id}/insights?level=campaign``) come from the simulated market,
numbers as strings, paged with ``paging.cursors.after`` + ``paging.next``.
Docs: https://developers.facebook.com/docs/marketing-api/reference/ad-campaign-group
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest, JsonResponse

from platforms.constants import META_ADS
from sandbox.ads import market
from sandbox.ads.common import (
    ad_account_for,
    create_object,
    is_on,
    minor_to_major,
    object_for_token,
    object_in,
    parse_end_time,
    require,
    to_int,
    update_object,
)
from sandbox.ads.graph import filtered, json_value, paged, requested_fields
from sandbox.endpoint import api_endpoint, rate_limit, request_payload
from sandbox.errors import Failure, SandboxError
from sandbox.models import SandboxAccount, SandboxToken
from sandbox.models.ads import AdObjectKind, SandboxAdObject

OBJECTIVES = {
    "OUTCOME_SALES",
    "OUTCOME_TRAFFIC",
    "OUTCOME_LEADS",
    "OUTCOME_ENGAGEMENT",
    "OUTCOME_AWARENESS",
    "OUTCOME_APP_PROMOTION",
}
CREATE_STATUSES = {"ACTIVE", "PAUSED"}
UPDATE_STATUSES = {"ACTIVE", "PAUSED", "ARCHIVED", "DELETED"}
BILLING_EVENTS = {"IMPRESSIONS", "LINK_CLICKS", "THRUPLAY", "PAGE_LIKES", "POST_ENGAGEMENT"}
OPTIMIZATION_GOALS = {
    "OFFSITE_CONVERSIONS",
    "VALUE",
    "LINK_CLICKS",
    "LANDING_PAGE_VIEWS",
    "REACH",
    "IMPRESSIONS",
    "POST_ENGAGEMENT",
}
PIXEL_GOALS = {"OFFSITE_CONVERSIONS", "VALUE"}
MIN_DAILY_BUDGET_MINOR = 100  # 1.00 in the account currency
CALLS_PER_MINUTE = 600
PURCHASE_ACTIONS = ("offsite_conversion.fb_pixel_purchase", "omni_purchase", "purchase")


def _limit(token: SandboxToken) -> None:
    rate_limit(key=f"{META_ADS}:{token.pk}", limit=CALLS_PER_MINUTE)


def _account(request: HttpRequest, account_id: str) -> SandboxAccount:
    _limit(request.sandbox_token)
    return ad_account_for(request.sandbox_token, f"act_{account_id}")


def _validate_only(data: dict) -> bool:
    options = json_value(data, "execution_options") or []
    return "validate_only" in options


def _status(data: dict, allowed: set[str]) -> str:
    status = data.get("status") or "PAUSED"
    if status not in allowed:
        raise SandboxError(Failure.VALIDATION, f"Invalid parameter: status must be one of {sorted(allowed)}.")
    return status


def _budget(data: dict, *, required: bool) -> int | None:
    if data.get("daily_budget") in (None, ""):
        if required:
            raise SandboxError(
                Failure.VALIDATION, "Invalid parameter: an ad set needs a daily_budget when its campaign has none."
            )
        return None
    budget = to_int(data["daily_budget"], "daily_budget")
    if budget < MIN_DAILY_BUDGET_MINOR:
        raise SandboxError(
            Failure.VALIDATION,
            f"Invalid parameter: the daily budget must be at least {MIN_DAILY_BUDGET_MINOR} (minor units).",
            code=100,
        )
    return budget


def _create_campaign(account: SandboxAccount, data: dict) -> dict:
    require(data, "name", "objective")
    if data["objective"] not in OBJECTIVES:
        raise SandboxError(Failure.VALIDATION, f"Invalid parameter: objective must be one of {sorted(OBJECTIVES)}.")
    categories = json_value(data, "special_ad_categories")
    if categories is None:
        raise SandboxError(Failure.VALIDATION, "The parameter special_ad_categories is required.")
    status = _status(data, CREATE_STATUSES)
    budget = _budget(data, required=False)
    if _validate_only(data):
        return {"success": True}
    obj = create_object(
        account=account,
        kind=AdObjectKind.CAMPAIGN,
        name=data["name"],
        status=status,
        objective=data["objective"],
        daily_budget_minor=budget,
        data={"special_ad_categories": categories, "buying_type": data.get("buying_type") or "AUCTION"},
    )
    return {"id": obj.external_id}


def _create_adset(account: SandboxAccount, data: dict) -> dict:
    require(data, "name", "campaign_id", "billing_event", "optimization_goal", "targeting")
    campaign = object_in(account, data["campaign_id"], kind=AdObjectKind.CAMPAIGN)
    if data["billing_event"] not in BILLING_EVENTS:
        raise SandboxError(Failure.VALIDATION, "Invalid parameter: billing_event.")
    if data["optimization_goal"] not in OPTIMIZATION_GOALS:
        raise SandboxError(Failure.VALIDATION, "Invalid parameter: optimization_goal.")
    targeting = json_value(data, "targeting") or {}
    if not isinstance(targeting, dict) or not targeting.get("geo_locations"):
        raise SandboxError(Failure.VALIDATION, "Invalid parameter: targeting must include geo_locations.")
    promoted = json_value(data, "promoted_object") or {}
    if data["optimization_goal"] in PIXEL_GOALS and not (
        promoted.get("pixel_id") and promoted.get("custom_event_type")
    ):
        raise SandboxError(
            Failure.VALIDATION,
            "Invalid parameter: promoted_object needs pixel_id and custom_event_type for conversion goals.",
        )
    budget = _budget(data, required=campaign.daily_budget_minor is None)
    status = _status(data, CREATE_STATUSES)
    end_time = parse_end_time(data["end_time"]) if data.get("end_time") else ""
    if _validate_only(data):
        return {"success": True}
    obj = create_object(
        account=account,
        kind=AdObjectKind.ADSET,
        name=data["name"],
        status=status,
        parent=campaign,
        daily_budget_minor=budget,
        data={
            "targeting": targeting,
            "promoted_object": promoted,
            "billing_event": data["billing_event"],
            "optimization_goal": data["optimization_goal"],
            "destination_type": data.get("destination_type") or "",
            **({"end_time": end_time} if end_time else {}),
        },
    )
    return {"id": obj.external_id}


def _create_creative(account: SandboxAccount, data: dict) -> dict:
    require(data, "name")
    spec = json_value(data, "object_story_spec")
    if not spec and not data.get("object_story_id") and not data.get("source_instagram_media_id"):
        raise SandboxError(
            Failure.VALIDATION, "A creative needs object_story_spec, object_story_id or source_instagram_media_id."
        )
    link = ""
    if spec:
        if not spec.get("page_id"):
            raise SandboxError(Failure.VALIDATION, "Invalid parameter: object_story_spec needs page_id.")
        link_data = spec.get("link_data") or {}
        if not link_data and not spec.get("video_data"):
            raise SandboxError(
                Failure.VALIDATION, "Invalid parameter: object_story_spec needs link_data or video_data."
            )
        link = link_data.get("link", "")
    if _validate_only(data):
        return {"success": True}
    obj = create_object(
        account=account,
        kind=AdObjectKind.CREATIVE,
        name=data["name"],
        status="ACTIVE",
        landing_url=link,
        data={
            "object_story_spec": spec or {},
            "object_story_id": data.get("object_story_id") or "",
            "url_tags": data.get("url_tags") or "",
        },
    )
    return {"id": obj.external_id}


def _create_ad(account: SandboxAccount, data: dict) -> dict:
    require(data, "name", "adset_id", "creative")
    adset = object_in(account, data["adset_id"], kind=AdObjectKind.ADSET)
    creative_ref = json_value(data, "creative") or {}
    creative = object_in(account, creative_ref.get("creative_id", ""), kind=AdObjectKind.CREATIVE)
    status = _status(data, CREATE_STATUSES)
    if _validate_only(data):
        return {"success": True}
    obj = create_object(
        account=account,
        kind=AdObjectKind.AD,
        name=data["name"],
        status=status,
        parent=adset,
        landing_url=creative.landing_url,
        data={"creative": {"creative_id": creative.external_id}},
    )
    return {"id": obj.external_id}


CREATORS = {
    "campaigns": _create_campaign,
    "adsets": _create_adset,
    "adcreatives": _create_creative,
    "ads": _create_ad,
}
EDGE_KINDS = {
    "campaigns": AdObjectKind.CAMPAIGN,
    "adsets": AdObjectKind.ADSET,
    "adcreatives": AdObjectKind.CREATIVE,
    "ads": AdObjectKind.AD,
}


def _node_fields(obj: SandboxAdObject, fields: list[str]) -> dict:
    budget = obj.daily_budget_minor
    values: dict[str, Any] = {
        "id": obj.external_id,
        "name": obj.name,
        "status": obj.status,
        "configured_status": obj.status,
        "effective_status": _effective_status(obj),
        "objective": obj.objective or None,
        "daily_budget": str(budget) if budget is not None else None,
        "account_id": obj.account.external_id.removeprefix("act_"),
        "created_time": obj.created_at.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "campaign_id": obj.campaign.external_id if obj.campaign_id else None,
        "adset_id": obj.parent.external_id if obj.kind == AdObjectKind.AD and obj.parent_id else None,
        **obj.data,
    }
    out = {"id": obj.external_id}
    for name in fields:
        if values.get(name) is not None:
            out[name] = values[name]
    return out


def _effective_status(obj: SandboxAdObject) -> str:
    if not is_on(obj.status):
        return obj.status
    chain = obj
    while chain.parent_id:
        chain = chain.parent
        if not is_on(chain.status):
            return "CAMPAIGN_PAUSED" if chain.kind == AdObjectKind.CAMPAIGN else "ADSET_PAUSED"
    return "ACTIVE"


@api_endpoint(META_ADS)
def account_edge(request: HttpRequest, account_id: str, edge: str) -> JsonResponse:
    account = _account(request, account_id)
    if edge == "insights":
        return JsonResponse(_insights(request, account=account))
    if request.method == "POST":
        data = {k: v for k, v in request_payload(request).items() if k != "access_token"}
        with transaction.atomic():
            return JsonResponse(CREATORS[edge](account, data))
    qs = SandboxAdObject.objects.filter(account=account, kind=EDGE_KINDS[edge]).select_related(
        "campaign", "parent", "account"
    )
    qs = filtered(qs, request, EDGE_KINDS[edge]).order_by("-created_at", "-pk")
    fields = requested_fields(request)
    return JsonResponse(paged(request, [_node_fields(obj, fields) for obj in qs]))


@api_endpoint(META_ADS)
def node(request: HttpRequest, node_id: str) -> JsonResponse:
    _limit(request.sandbox_token)
    obj = object_for_token(request.sandbox_token, node_id)
    if request.method == "GET":
        return JsonResponse(_node_fields(obj, requested_fields(request)))
    data = {k: v for k, v in request_payload(request).items() if k != "access_token"}
    if request.method == "DELETE":
        data = {"status": "DELETED"}
    changes: dict[str, Any] = {}
    if "status" in data:
        changes["status"] = _status(data, UPDATE_STATUSES)
    if "daily_budget" in data:
        if obj.kind not in (AdObjectKind.ADSET, AdObjectKind.CAMPAIGN) or (
            obj.kind == AdObjectKind.CAMPAIGN and obj.daily_budget_minor is None
        ):
            raise SandboxError(Failure.VALIDATION, "Invalid parameter: this object has no daily budget to change.")
        changes["daily_budget_minor"] = _budget(data, required=True)
    if data.get("name"):
        changes["name"] = data["name"]
    if data.get("end_time"):
        if obj.kind != AdObjectKind.ADSET:
            raise SandboxError(Failure.VALIDATION, "Invalid parameter: end_time is set on ad sets.")
        changes["data"] = {**obj.data, "end_time": parse_end_time(data["end_time"])}
    if not changes:
        raise SandboxError(Failure.VALIDATION, "No field to update was given.")
    with transaction.atomic():
        update_object(obj, **changes)
    return JsonResponse({"success": True})


@api_endpoint(META_ADS)
def node_insights(request: HttpRequest, node_id: str) -> JsonResponse:
    _limit(request.sandbox_token)
    obj = object_for_token(request.sandbox_token, node_id)
    if obj.kind != AdObjectKind.CAMPAIGN:
        raise SandboxError(Failure.VALIDATION, "The sandbox reports insights at the campaign level.")
    return JsonResponse(_insights(request, account=obj.account, campaigns=[obj]))


def _date_range(request: HttpRequest, today: dt.date) -> tuple[dt.date, dt.date]:
    time_range = json_value(request.GET, "time_range")
    if time_range:
        try:
            return dt.date.fromisoformat(time_range["since"]), dt.date.fromisoformat(time_range["until"])
        except (KeyError, TypeError, ValueError) as exc:
            raise SandboxError(Failure.VALIDATION, "Invalid parameter: time_range needs since and until.") from exc
    preset = request.GET.get("date_preset") or "last_30d"
    weekday, sunday = today.weekday(), (today.weekday() + 1) % 7  # days since Monday, since Sunday
    presets = {"today": (0, 0), "yesterday": (1, 1), "last_3d": (3, 1), "last_7d": (7, 1), "last_14d": (14, 1)}
    presets |= {"last_28d": (28, 1), "last_30d": (30, 1), "last_90d": (90, 1), "maximum": (37 * 30, 0)}
    presets |= {"this_month": (today.day - 1, 0), "this_week_mon_today": (weekday, 0)}
    presets |= {"this_week_sun_today": (sunday, 0), "last_week_mon_sun": (weekday + 7, weekday + 1)}
    presets |= {"last_week_sun_sat": (sunday + 7, sunday + 1)}
    quarter = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    last_quarter_end = quarter - dt.timedelta(days=1)
    spans = {
        "last_month": (last_month_end.replace(day=1), last_month_end),
        "this_quarter": (quarter, today),
        "last_quarter": (dt.date(last_quarter_end.year, last_quarter_end.month - 2, 1), last_quarter_end),
        "this_year": (dt.date(today.year, 1, 1), today),
        "last_year": (dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
    }
    if preset in spans:
        return spans[preset]
    if preset not in presets:
        raise SandboxError(Failure.VALIDATION, f"Invalid parameter: date_preset {preset}.")
    back, end = presets[preset]
    return today - dt.timedelta(days=back), today - dt.timedelta(days=end)


def _row(campaign: SandboxAdObject, since: dt.date, until: dt.date, days: list[market.DayResult], fields: list[str]):
    spend = sum(d.spend_minor for d in days)
    impressions = sum(d.impressions for d in days)
    clicks = sum(d.clicks for d in days)
    purchases = sum(d.purchases for d in days)
    value = sum(d.value_minor for d in days)
    currency = campaign.account.currency
    values: dict[str, Any] = {
        "account_id": campaign.account.external_id.removeprefix("act_"),
        "account_currency": campaign.account.currency,
        "campaign_id": campaign.external_id,
        "campaign_name": campaign.name,
        "spend": f"{minor_to_major(spend, currency):.2f}",
        "impressions": str(impressions),
        "clicks": str(clicks),
        "reach": str(int(impressions * 0.72)),
        "ctr": f"{clicks / impressions * 100:.6f}" if impressions else "0",
        "cpc": f"{minor_to_major(spend, currency) / clicks:.6f}" if clicks else None,
        "actions": [{"action_type": "link_click", "value": str(clicks)}]
        + [{"action_type": a, "value": str(purchases)} for a in PURCHASE_ACTIONS if purchases],
        "action_values": [
            {"action_type": a, "value": f"{minor_to_major(value, currency):.2f}"} for a in PURCHASE_ACTIONS
        ]
        if purchases
        else None,
        "purchase_roas": [{"action_type": "omni_purchase", "value": f"{value / spend:.6f}"}]
        if spend and purchases
        else None,
    }
    row = {name: values[name] for name in fields if values.get(name) is not None}
    row["date_start"], row["date_stop"] = since.isoformat(), until.isoformat()
    return row


def _insights(request: HttpRequest, *, account: SandboxAccount, campaigns: list | None = None) -> dict:
    level = request.GET.get("level") or "campaign"
    if level != "campaign":
        raise SandboxError(Failure.VALIDATION, "The sandbox reports insights at level=campaign.")
    fields = requested_fields(request, default="spend,impressions,clicks")
    if campaigns is None:
        qs = SandboxAdObject.objects.filter(account=account, kind=AdObjectKind.CAMPAIGN).select_related("account")
        campaigns = list(filtered(qs, request, AdObjectKind.CAMPAIGN).order_by("created_at", "pk"))
    daily = str(request.GET.get("time_increment") or "all_days") == "1"
    rows = []
    for campaign in campaigns:
        since, until = _date_range(request, market.today_for(campaign))
        if since > until:
            raise SandboxError(Failure.VALIDATION, "Invalid parameter: time_range since is after until.")
        days = market.simulate_range(campaign, since, until)
        if daily:
            rows.extend(_row(campaign, d.date, d.date, [d], fields) for d in days)
        elif days:
            rows.append(_row(campaign, since, until, days, fields))
    return paged(request, rows)
