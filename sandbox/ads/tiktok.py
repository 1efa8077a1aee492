"""TikTok Business API v1.3 (ads) at the sandbox: ``/sandbox/tiktok_ads/open_api/v1.3/...``.

Every answer is ``{"code", "message", "request_id", "data"}`` with HTTP 200, errors included. Unknown fields
(the official SDK sends many) are accepted and ignored; ``request_id`` on campaign and ad group creates makes a
repeated create return the first object. GET list parameters arrive JSON-encoded, one value each.
Docs: https://business-api.tiktok.com/portal/docs?id=1739318962329602
"""

import datetime as dt
import json
import math
import uuid
from typing import Any

from django.db import transaction
from django.http import HttpRequest, JsonResponse

from platforms.constants import TIKTOK_ADS
from sandbox.ads import market
from sandbox.ads.common import (
    ad_account_for,
    create_object,
    major_to_minor,
    minor_to_major,
    object_in,
    parse_end_time,
    require,
    update_object,
)
from sandbox.endpoint import api_endpoint, rate_limit, request_payload
from sandbox.errors import Failure, SandboxError
from sandbox.models import SandboxAccount
from sandbox.models.ads import AdObjectKind, SandboxAdObject

OBJECTIVES = {
    "WEB_CONVERSIONS",
    "PRODUCT_SALES",
    "TRAFFIC",
    "REACH",
    "VIDEO_VIEWS",
    "ENGAGEMENT",
    "LEAD_GENERATION",
    "APP_PROMOTION",
}
BUDGET_MODES = {"BUDGET_MODE_INFINITE", "BUDGET_MODE_DAY", "BUDGET_MODE_TOTAL", "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"}
OPERATION_STATUSES = {"ENABLE", "DISABLE"}
MIN_CAMPAIGN_DAY_BUDGET = 50.0  # major units
MIN_ADGROUP_DAY_BUDGET = 20.0
OPTIMIZATION_GOALS = {"CONVERT", "VALUE", "CLICK", "REACH", "SHOW", "TRAFFIC_LANDING_PAGE_VIEW"}
PACINGS = {"PACING_MODE_SMOOTH", "PACING_MODE_FAST"}  # required on ad groups (the official SDK insists)
AD_FORMATS = {"SINGLE_VIDEO", "SINGLE_IMAGE", "CAROUSEL"}
CALLS_PER_MINUTE = 600
METRICS = {
    "spend",
    "impressions",
    "clicks",
    "ctr",
    "cpc",
    "conversion",
    "cost_per_conversion",
    "complete_payment",
    "complete_payment_roas",
    "value_per_complete_payment",
    "total_complete_payment_rate",
}


def ok(data: dict) -> JsonResponse:
    return JsonResponse({"code": 0, "message": "OK", "request_id": uuid.uuid4().hex.upper()[:24], "data": data})


def _params(request: HttpRequest) -> dict[str, Any]:
    if request.method == "GET":
        out: dict[str, Any] = {}
        for key, value in request.GET.items():
            try:
                out[key] = json.loads(value) if value[:1] in "[{" else value
            except ValueError as exc:
                raise SandboxError(Failure.VALIDATION, f"{key}: invalid JSON.") from exc
        return out
    return request_payload(request)


def _advertiser(request: HttpRequest, data: dict) -> SandboxAccount:
    rate_limit(key=f"{TIKTOK_ADS}:{request.sandbox_token.pk}", limit=CALLS_PER_MINUTE)
    require(data, "advertiser_id")
    return ad_account_for(request.sandbox_token, str(data["advertiser_id"]))


def _money(value: Any, name: str) -> float:
    try:
        amount = float(value)
    except (TypeError, ValueError) as exc:
        raise SandboxError(Failure.VALIDATION, f"{name}: must be a number.") from exc
    if math.isnan(amount) or amount < 0:
        raise SandboxError(Failure.VALIDATION, f"{name}: must be a positive number.")
    return amount


def _daily_budget(data: dict, minimum: float, what: str, *, currency: str) -> int | None:
    mode = data.get("budget_mode") or "BUDGET_MODE_INFINITE"
    if mode not in BUDGET_MODES:
        raise SandboxError(Failure.VALIDATION, f"budget_mode: must be one of {sorted(BUDGET_MODES)}.")
    if mode != "BUDGET_MODE_DAY":
        return None
    budget = _money(data.get("budget"), "budget")
    if budget < minimum:
        raise SandboxError(Failure.VALIDATION, f"The {what} daily budget must be at least {minimum:.2f}.")
    return major_to_minor(budget, currency)


def _operation_status(data: dict) -> str:
    status = data.get("operation_status") or "ENABLE"
    if status not in OPERATION_STATUSES:
        raise SandboxError(Failure.VALIDATION, "operation_status: must be ENABLE or DISABLE.")
    return status


def _replayed(account: SandboxAccount, kind: str, request_id: str) -> SandboxAdObject | None:
    if not request_id:
        return None
    if not str(request_id).isdigit():
        raise SandboxError(Failure.VALIDATION, "request_id: must be a 64-bit integer as a string.")
    return SandboxAdObject.objects.filter(account=account, kind=kind, request_id=str(request_id)).first()


@api_endpoint(TIKTOK_ADS)
def campaign_create(request: HttpRequest) -> JsonResponse:
    data = _params(request)
    account = _advertiser(request, data)
    require(data, "campaign_name", "objective_type")
    if len(data["campaign_name"]) > 512:
        raise SandboxError(Failure.VALIDATION, "campaign_name: at most 512 characters.")
    if data["objective_type"] not in OBJECTIVES:
        raise SandboxError(Failure.VALIDATION, f"objective_type: must be one of {sorted(OBJECTIVES)}.")
    budget = _daily_budget(data, MIN_CAMPAIGN_DAY_BUDGET, "campaign", currency=account.currency)
    status = _operation_status(data)
    with transaction.atomic():
        obj = _replayed(account, AdObjectKind.CAMPAIGN, data.get("request_id", "")) or create_object(
            account=account,
            kind=AdObjectKind.CAMPAIGN,
            name=data["campaign_name"],
            status=status,
            objective=data["objective_type"],
            daily_budget_minor=budget,
            request_id=str(data.get("request_id") or ""),
            data={"budget_mode": data.get("budget_mode") or "BUDGET_MODE_INFINITE"},
        )
    return ok({"campaign_id": obj.external_id})


@api_endpoint(TIKTOK_ADS)
def adgroup_create(request: HttpRequest) -> JsonResponse:
    data = _params(request)
    account = _advertiser(request, data)
    require(data, "campaign_id", "adgroup_name", "location_ids", "optimization_goal", "billing_event", "pacing")
    if data["pacing"] not in PACINGS:
        raise SandboxError(Failure.VALIDATION, f"pacing: must be one of {sorted(PACINGS)}.")
    campaign = object_in(account, data["campaign_id"], kind=AdObjectKind.CAMPAIGN)
    if data["optimization_goal"] not in OPTIMIZATION_GOALS:
        raise SandboxError(Failure.VALIDATION, "optimization_goal: invalid value.")
    if data["optimization_goal"] in ("CONVERT", "VALUE") and not data.get("pixel_id"):
        raise SandboxError(Failure.VALIDATION, "pixel_id: required for conversion optimisation.")
    budget = _daily_budget(data, MIN_ADGROUP_DAY_BUDGET, "ad group", currency=account.currency)
    if budget is None and campaign.daily_budget_minor is None:
        raise SandboxError(Failure.VALIDATION, "budget: the ad group needs a daily budget when its campaign has none.")
    status = _operation_status(data)
    schedule = data.get("schedule_type") or "SCHEDULE_FROM_NOW"
    if schedule not in ("SCHEDULE_FROM_NOW", "SCHEDULE_START_END"):
        raise SandboxError(Failure.VALIDATION, "schedule_type: must be SCHEDULE_FROM_NOW or SCHEDULE_START_END.")
    end_time = ""
    if schedule == "SCHEDULE_START_END":
        require(data, "schedule_start_time", "schedule_end_time")
        end_time = parse_end_time(data["schedule_end_time"], name="schedule_end_time")
    with transaction.atomic():
        obj = _replayed(account, AdObjectKind.ADSET, data.get("request_id", "")) or create_object(
            account=account,
            kind=AdObjectKind.ADSET,
            name=data["adgroup_name"],
            status=status,
            parent=campaign,
            daily_budget_minor=budget,
            request_id=str(data.get("request_id") or ""),
            data={
                "location_ids": data["location_ids"],
                "optimization_goal": data["optimization_goal"],
                "pixel_id": data.get("pixel_id") or "",
                "billing_event": data["billing_event"],
                "pacing": data["pacing"],
                "schedule_type": schedule,
                **({"end_time": end_time} if end_time else {}),
            },
        )
    return ok({"adgroup_id": obj.external_id})


@api_endpoint(TIKTOK_ADS)
def ad_create(request: HttpRequest) -> JsonResponse:
    data = _params(request)
    account = _advertiser(request, data)
    require(data, "adgroup_id", "creatives")
    adgroup = object_in(account, data["adgroup_id"], kind=AdObjectKind.ADSET)
    creatives = data["creatives"]
    for creative in creatives:
        require(creative, "ad_name", "ad_format", "ad_text", "landing_page_url")
        if creative["ad_format"] not in AD_FORMATS:
            raise SandboxError(Failure.VALIDATION, "creatives.ad_format: invalid value.")
        if not (creative.get("video_id") or creative.get("image_ids") or creative.get("tiktok_item_id")):
            raise SandboxError(Failure.VALIDATION, "creatives: a video_id, image_ids or tiktok_item_id is required.")
    ids = []
    with transaction.atomic():
        for creative in creatives:
            ad = create_object(
                account=account,
                kind=AdObjectKind.AD,
                name=creative["ad_name"],
                status=_operation_status(creative),
                parent=adgroup,
                landing_url=creative["landing_page_url"],
                data={k: creative.get(k) for k in ("ad_format", "ad_text", "video_id", "image_ids", "tiktok_item_id")},
            )
            ids.append(ad.external_id)
    return ok({"ad_ids": ids})


def _status_update(request: HttpRequest, kind: str, ids_key: str) -> JsonResponse:
    data = _params(request)
    account = _advertiser(request, data)
    require(data, ids_key, "operation_status")
    status = data["operation_status"]
    if status not in OPERATION_STATUSES | {"DELETE"}:
        raise SandboxError(Failure.VALIDATION, "operation_status: must be ENABLE, DISABLE or DELETE.")
    objects = [object_in(account, oid, kind=kind) for oid in data[ids_key]]
    with transaction.atomic():
        for obj in objects:
            update_object(obj, status=status)
    return ok({ids_key: [o.external_id for o in objects], "status": status})


@api_endpoint(TIKTOK_ADS)
def campaign_status_update(request: HttpRequest) -> JsonResponse:
    return _status_update(request, AdObjectKind.CAMPAIGN, "campaign_ids")


@api_endpoint(TIKTOK_ADS)
def adgroup_status_update(request: HttpRequest) -> JsonResponse:
    return _status_update(request, AdObjectKind.ADSET, "adgroup_ids")


@api_endpoint(TIKTOK_ADS)
def ad_status_update(request: HttpRequest) -> JsonResponse:
    return _status_update(request, AdObjectKind.AD, "ad_ids")


def _budget_update(request: HttpRequest, kind: str, id_key: str, minimum: float) -> JsonResponse:
    data = _params(request)
    account = _advertiser(request, data)
    require(data, id_key)
    obj = object_in(account, data[id_key], kind=kind)
    changes: dict[str, Any] = {}
    if "budget" in data:
        if obj.daily_budget_minor is None:
            raise SandboxError(Failure.VALIDATION, "budget: this object has no daily budget.")
        amount = _money(data["budget"], "budget")
        if amount < minimum:
            raise SandboxError(Failure.VALIDATION, f"The daily budget must be at least {minimum:.2f}.")
        changes["daily_budget_minor"] = major_to_minor(amount, account.currency)
    name_key = "campaign_name" if kind == AdObjectKind.CAMPAIGN else "adgroup_name"
    if data.get(name_key):
        changes["name"] = data[name_key]
    with transaction.atomic():
        update_object(obj, **changes)
    return ok({id_key: obj.external_id})


@api_endpoint(TIKTOK_ADS)
def campaign_update(request: HttpRequest) -> JsonResponse:
    return _budget_update(request, AdObjectKind.CAMPAIGN, "campaign_id", MIN_CAMPAIGN_DAY_BUDGET)


@api_endpoint(TIKTOK_ADS)
def adgroup_update(request: HttpRequest) -> JsonResponse:
    return _budget_update(request, AdObjectKind.ADSET, "adgroup_id", MIN_ADGROUP_DAY_BUDGET)


def _list(request: HttpRequest, kind: str) -> JsonResponse:
    data = _params(request)
    account = _advertiser(request, data)
    filtering = data.get("filtering") or {}
    qs = SandboxAdObject.objects.filter(account=account, kind=kind).select_related("parent", "campaign")
    if filtering.get("campaign_ids"):
        key = "external_id__in" if kind == AdObjectKind.CAMPAIGN else "campaign__external_id__in"
        qs = qs.filter(**{key: [str(i) for i in filtering["campaign_ids"]]})
    if filtering.get("adgroup_ids"):
        key = "external_id__in" if kind == AdObjectKind.ADSET else "parent__external_id__in"
        qs = qs.filter(**{key: [str(i) for i in filtering["adgroup_ids"]]})
    for name_key in ("campaign_name", "adgroup_name", "ad_name"):
        if filtering.get(name_key):
            qs = qs.filter(name=filtering[name_key])
    page, size = int(data.get("page") or 1), min(int(data.get("page_size") or 10), 1000)
    total = qs.count()
    rows = []
    for obj in qs.order_by("created_at", "pk")[(page - 1) * size : page * size]:
        row = {
            "advertiser_id": account.external_id,
            "operation_status": obj.status,
            "create_time": obj.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        }
        budget = minor_to_major(obj.daily_budget_minor, account.currency) if obj.daily_budget_minor is not None else 0.0
        if kind == AdObjectKind.CAMPAIGN:
            row |= {"campaign_id": obj.external_id, "campaign_name": obj.name, "objective_type": obj.objective}
            row |= {"budget": budget, "budget_mode": obj.data.get("budget_mode")}
        elif kind == AdObjectKind.ADSET:
            row |= {"adgroup_id": obj.external_id, "adgroup_name": obj.name, "campaign_id": obj.parent.external_id}
            row |= {"budget": budget}
        else:
            row |= {"ad_id": obj.external_id, "ad_name": obj.name, "adgroup_id": obj.parent.external_id}
            row |= {"campaign_id": obj.campaign.external_id, "landing_page_url": obj.landing_url}
        rows.append(row)
    page_info = {"page": page, "page_size": size, "total_number": total, "total_page": math.ceil(total / size)}
    return ok({"list": rows, "page_info": page_info})


@api_endpoint(TIKTOK_ADS)
def campaign_get(request: HttpRequest) -> JsonResponse:
    return _list(request, AdObjectKind.CAMPAIGN)


@api_endpoint(TIKTOK_ADS)
def adgroup_get(request: HttpRequest) -> JsonResponse:
    return _list(request, AdObjectKind.ADSET)


@api_endpoint(TIKTOK_ADS)
def ad_get(request: HttpRequest) -> JsonResponse:
    return _list(request, AdObjectKind.AD)


def _metric_values(days: list[market.DayResult], names: list[str], *, currency: str) -> dict[str, str]:
    spend = minor_to_major(sum(d.spend_minor for d in days), currency)
    impressions = sum(d.impressions for d in days)
    clicks = sum(d.clicks for d in days)
    purchases = sum(d.purchases for d in days)
    value = minor_to_major(sum(d.value_minor for d in days), currency)
    values = {
        "spend": f"{spend:.2f}",
        "impressions": str(impressions),
        "clicks": str(clicks),
        "ctr": f"{clicks / impressions * 100:.2f}" if impressions else "0.00",
        "cpc": f"{spend / clicks:.2f}" if clicks else "0.00",
        "conversion": str(purchases),
        "cost_per_conversion": f"{spend / purchases:.2f}" if purchases else "0.00",
        "complete_payment": str(purchases),
        "complete_payment_roas": f"{value / spend:.2f}" if spend else "0.00",
        "value_per_complete_payment": f"{value / purchases:.2f}" if purchases else "0.00",
        "total_complete_payment_rate": f"{value:.2f}",
    }
    return {name: values[name] for name in names}


def _report_campaign_filter(filtering: Any) -> list[str] | None:
    """The campaign ids of a v1.3 report filter: a list of ``{"field_name", "filter_type", "filter_value"}`` with
    ``filter_value`` a JSON-encoded list (``IN``) or one value (``EQUAL``); None when there is no campaign filter."""
    if filtering in (None, "", []):
        return None
    if not isinstance(filtering, list) or not all(isinstance(rule, dict) for rule in filtering):
        raise SandboxError(
            Failure.VALIDATION, "filtering: must be a list of {field_name, filter_type, filter_value} objects."
        )
    ids = None
    for rule in filtering:
        if rule.get("field_name") not in ("campaign_ids", "campaign_id"):
            raise SandboxError(
                Failure.VALIDATION, f"filtering: the sandbox filters on campaign_ids, not {rule.get('field_name')}."
            )
        kind, value = rule.get("filter_type"), rule.get("filter_value")
        if kind == "IN":
            try:
                values = json.loads(value) if isinstance(value, str) else value
            except ValueError as exc:
                raise SandboxError(Failure.VALIDATION, "filtering: filter_value must be a JSON list for IN.") from exc
            if not isinstance(values, list):
                raise SandboxError(Failure.VALIDATION, "filtering: filter_value must be a JSON list for IN.")
        elif kind == "EQUAL":
            values = [value]
        else:
            raise SandboxError(Failure.VALIDATION, "filtering: filter_type must be IN or EQUAL.")
        ids = [str(v) for v in values] if ids is None else [i for i in ids if i in {str(v) for v in values}]
    return ids


@api_endpoint(TIKTOK_ADS)
def report_integrated(request: HttpRequest) -> JsonResponse:
    data = _params(request)
    account = _advertiser(request, data)
    require(data, "report_type", "data_level", "dimensions", "metrics", "start_date", "end_date")
    if data["report_type"] != "BASIC" or data["data_level"] != "AUCTION_CAMPAIGN":
        raise SandboxError(Failure.VALIDATION, "The sandbox serves report_type=BASIC at data_level=AUCTION_CAMPAIGN.")
    dimensions, metrics = data["dimensions"], data["metrics"]
    if not isinstance(dimensions, list) or "campaign_id" not in dimensions:
        raise SandboxError(Failure.VALIDATION, "dimensions: must be a JSON list containing campaign_id.")
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise SandboxError(Failure.VALIDATION, f"metrics: unknown metric {unknown[0]}.")
    try:
        since, until = dt.date.fromisoformat(data["start_date"]), dt.date.fromisoformat(data["end_date"])
    except ValueError as exc:
        raise SandboxError(Failure.VALIDATION, "start_date / end_date: use YYYY-MM-DD.") from exc
    if since > until or (until - since).days > 365:
        raise SandboxError(Failure.VALIDATION, "The date range must be at most 365 days, start before end.")
    qs = SandboxAdObject.objects.filter(account=account, kind=AdObjectKind.CAMPAIGN).select_related("account")
    campaign_ids = _report_campaign_filter(data.get("filtering"))
    if campaign_ids is not None:
        qs = qs.filter(external_id__in=[str(c) for c in campaign_ids])
    daily = "stat_time_day" in dimensions
    rows = []
    for campaign in qs.order_by("created_at", "pk"):
        days = market.simulate_range(campaign, since, until)
        if daily:
            for d in days:
                dims = {"campaign_id": campaign.external_id, "stat_time_day": f"{d.date.isoformat()} 00:00:00"}
                rows.append({"dimensions": dims, "metrics": _metric_values([d], metrics, currency=account.currency)})
        elif days:
            totals = _metric_values(days, metrics, currency=account.currency)
            rows.append({"dimensions": {"campaign_id": campaign.external_id}, "metrics": totals})
    page, size = int(data.get("page") or 1), min(int(data.get("page_size") or 10), 1000)
    total = len(rows)
    page_info = {"page": page, "page_size": size, "total_number": total, "total_page": math.ceil(total / size)}
    return ok({"list": rows[(page - 1) * size : page * size], "page_info": page_info})
