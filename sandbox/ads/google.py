"""Google Ads API (REST) at the sandbox: ``/sandbox/google_ads/v<NN>/customers/{cid}/...``.

Mutates (``campaignBudgets|campaigns|adGroups|adGroupAds:mutate``) take ``{"operations": [{"create"|"update"|
"remove": ...}], "partialFailure", "validateOnly"}`` and answer ``{"results": [{"resourceName"}]}``;
``googleAds:search`` runs a GAQL query over the same objects and the simulated market; ``FROM customer`` answers
the account's own name, currency and time zone (one row).
Every call needs ``developer-token``; ``login-customer-id`` (digits only) is optional.
Docs: https://developers.google.com/google-ads/api/rest/reference/rest/v25/customers.campaigns/mutate
"""

import datetime as dt
import operator
import re
import uuid
import zoneinfo
from typing import Any

from django.db import transaction
from django.http import HttpRequest, JsonResponse

from platforms.constants import GOOGLE_ADS
from sandbox.ads import market
from sandbox.ads.common import (
    ad_account_for,
    create_object,
    object_in,
    parse_end_time,
    require,
    to_int,
    update_object,
)
from sandbox.endpoint import api_endpoint, rate_limit, request_payload
from sandbox.errors import Failure, SandboxError
from sandbox.models import SandboxAccount
from sandbox.models.ads import AdObjectKind, SandboxAdObject

CHANNEL_TYPES = {"SEARCH", "DISPLAY", "SHOPPING", "VIDEO", "PERFORMANCE_MAX", "DEMAND_GEN", "MULTI_CHANNEL"}
STATUSES = {"ENABLED", "PAUSED", "REMOVED"}
BIDDING = {
    "maximizeConversionValue": "MAXIMIZE_CONVERSION_VALUE",
    "maximizeConversions": "MAXIMIZE_CONVERSIONS",
    "manualCpc": "MANUAL_CPC",
    "targetSpend": "TARGET_SPEND",
    "targetRoas": "TARGET_ROAS",
    "manualCpm": "MANUAL_CPM",
}
MIN_BUDGET_MICROS = 1_000_000  # 1.00 in the account currency
MICROS_PER_MINOR = 10_000
CALLS_PER_MINUTE = 600
RESOURCE_PATHS = {
    "campaignBudgets": AdObjectKind.BUDGET,
    "campaigns": AdObjectKind.CAMPAIGN,
    "adGroups": AdObjectKind.ADSET,
    "adGroupAds": AdObjectKind.AD,
}


def _customer(request: HttpRequest, cid: str) -> SandboxAccount:
    if not request.headers.get("developer-token"):
        # Google answers a missing developer token as an invalid argument, not as an authentication failure.
        raise SandboxError(
            Failure.VALIDATION, "developer-token parameter is missing.", code="DEVELOPER_TOKEN_PARAMETER_MISSING"
        )
    login_customer = request.headers.get("login-customer-id", "")
    if login_customer and not login_customer.isdigit():
        raise SandboxError(
            Failure.VALIDATION,
            f"The login customer id header '{login_customer}' could not be validated.",
            code={"headerError": "INVALID_LOGIN_CUSTOMER_ID"},
        )
    rate_limit(key=f"{GOOGLE_ADS}:{request.sandbox_token.pk}", limit=CALLS_PER_MINUTE)
    return ad_account_for(request.sandbox_token, cid)


def _resource_name(obj: SandboxAdObject) -> str:
    cid = obj.account.external_id
    if obj.kind == AdObjectKind.BUDGET:
        return f"customers/{cid}/campaignBudgets/{obj.external_id}"
    if obj.kind == AdObjectKind.CAMPAIGN:
        return f"customers/{cid}/campaigns/{obj.external_id}"
    if obj.kind == AdObjectKind.ADSET:
        return f"customers/{cid}/adGroups/{obj.external_id}"
    return f"customers/{cid}/adGroupAds/{obj.parent.external_id}~{obj.external_id}"


def _by_resource_name(account: SandboxAccount, name: str, kind: str) -> SandboxAdObject:
    match = re.fullmatch(r"customers/(\d+)/(\w+)/(?:\d+~)?(\d+)", name or "")
    if not match or match.group(1) != account.external_id or RESOURCE_PATHS.get(match.group(2)) != kind:
        raise SandboxError(Failure.VALIDATION, f"Malformed resource name {name!r}.", code="RESOURCE_NAME_MALFORMED")
    return object_in(account, match.group(3), kind=kind)


def _status(value: str | None, default: str = "PAUSED") -> str:
    status = value or default
    if status not in STATUSES:
        raise SandboxError(Failure.VALIDATION, f"Invalid enum value {status!r} for status.", code="INVALID_ENUM_VALUE")
    return status


def _end_date_time(account: SandboxAccount, value: str) -> str:
    """``endDateTime`` (``yyyy-mm-dd hh:mm:ss`` in the account's time zone) as an aware ISO time."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", str(value)):
        raise SandboxError(
            Failure.VALIDATION,
            "The string date time's format should be yyyy-mm-dd hh:mm:ss.",
            code={"dateError": "INVALID_STRING_DATE_TIME_SECONDS"},
        )
    zone = zoneinfo.ZoneInfo(account.timezone_name or "UTC")
    # The campaign serves through the last second named.
    end = dt.datetime.fromisoformat(value).replace(tzinfo=zone) + dt.timedelta(seconds=1)
    return parse_end_time(end.isoformat(), name="endDateTime")


def _budget_micros(value: Any) -> int:
    micros = to_int(value, "amountMicros")
    if micros < MIN_BUDGET_MICROS or micros % MICROS_PER_MINOR:
        raise SandboxError(
            Failure.VALIDATION,
            "The budget must be at least 1.00 and a whole number of minor units.",
            code=(
                {"campaignBudgetError": "NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT"}
                if micros >= MIN_BUDGET_MICROS
                else {"rangeError": "TOO_LOW"}
            ),
        )
    return micros


def _create(account: SandboxAccount, kind: str, data: dict, validate_only: bool) -> SandboxAdObject | None:
    if kind == AdObjectKind.BUDGET:
        require(data, "name", "amountMicros")
        micros = _budget_micros(data["amountMicros"])
        if data.get("deliveryMethod", "STANDARD") not in ("STANDARD", "ACCELERATED"):
            raise SandboxError(Failure.VALIDATION, "Invalid deliveryMethod.", code="INVALID_ENUM_VALUE")
        if validate_only:
            return None
        return create_object(
            account=account,
            kind=kind,
            name=data["name"],
            status="ENABLED",
            daily_budget_minor=micros // MICROS_PER_MINOR,
            data={"explicitlyShared": bool(data.get("explicitlyShared", False))},
        )
    if kind == AdObjectKind.CAMPAIGN:
        require(data, "name", "advertisingChannelType", "campaignBudget")
        if data["advertisingChannelType"] not in CHANNEL_TYPES:
            raise SandboxError(Failure.VALIDATION, "Invalid advertisingChannelType.", code="INVALID_ENUM_VALUE")
        bidding = [BIDDING[key] for key in BIDDING if key in data]
        if len(bidding) != 1:
            raise SandboxError(
                Failure.VALIDATION, "Exactly one bidding strategy is required.", code={"fieldError": "REQUIRED"}
            )
        if not data.get("containsEuPoliticalAdvertising"):
            raise SandboxError(
                Failure.VALIDATION, "containsEuPoliticalAdvertising is required.", code="REQUIRED_FIELD_MISSING"
            )
        budget = _by_resource_name(account, data["campaignBudget"], AdObjectKind.BUDGET)
        if (
            SandboxAdObject.objects.filter(account=account, kind=kind, name=data["name"])
            .exclude(status="REMOVED")
            .exists()
        ):
            raise SandboxError(
                Failure.VALIDATION,
                "A campaign with this name already exists.",
                code={"campaignError": "DUPLICATE_CAMPAIGN_NAME"},
            )
        status = _status(data.get("status"))
        end_time = _end_date_time(account, data["endDateTime"]) if data.get("endDateTime") else ""
        if validate_only:
            return None
        return create_object(
            account=account,
            kind=kind,
            name=data["name"],
            status=status,
            objective=bidding[0],
            budget=budget,
            data={
                "advertisingChannelType": data["advertisingChannelType"],
                "networkSettings": data.get("networkSettings") or {},
                "startDateTime": data.get("startDateTime", ""),
                **({"end_time": end_time, "endDateTime": data["endDateTime"]} if end_time else {}),
            },
        )
    if kind == AdObjectKind.ADSET:
        require(data, "name", "campaign")
        campaign = _by_resource_name(account, data["campaign"], AdObjectKind.CAMPAIGN)
        status = _status(data.get("status"), "ENABLED")
        if validate_only:
            return None
        return create_object(
            account=account,
            kind=kind,
            name=data["name"],
            status=status,
            parent=campaign,
            data={"type": data.get("type", "SEARCH_STANDARD"), "cpcBidMicros": data.get("cpcBidMicros")},
        )
    require(data, "adGroup", "ad")
    ad_group = _by_resource_name(account, data["adGroup"], AdObjectKind.ADSET)
    ad = data["ad"]
    if not ad.get("finalUrls"):
        raise SandboxError(Failure.VALIDATION, "ad.finalUrls is required.", code="REQUIRED_FIELD_MISSING")
    rsa = ad.get("responsiveSearchAd") or {}
    if len(rsa.get("headlines") or []) < 3 or len(rsa.get("descriptions") or []) < 2:
        raise SandboxError(
            Failure.VALIDATION,
            "A responsive search ad needs at least 3 headlines and 2 descriptions.",
            code={"collectionSizeError": "TOO_FEW"},
        )
    status = _status(data.get("status"), "ENABLED")
    if validate_only:
        return None
    return create_object(
        account=account,
        kind=kind,
        name=ad.get("name") or rsa["headlines"][0].get("text", ""),
        status=status,
        parent=ad_group,
        landing_url=ad["finalUrls"][0],
        data={"ad": ad},
    )


def _update(account: SandboxAccount, kind: str, data: dict, mask: str, validate_only: bool) -> SandboxAdObject:
    obj = _by_resource_name(account, data.get("resourceName", ""), kind)
    paths = [p.strip() for p in (mask or "").split(",") if p.strip()]
    if not paths:
        raise SandboxError(Failure.VALIDATION, "updateMask is required.", code="REQUIRED_FIELD_MISSING")
    changes: dict[str, Any] = {}
    for path in paths:
        if path == "status" and kind != AdObjectKind.BUDGET:
            changes["status"] = _status(data.get("status"))
        elif path == "name" and kind != AdObjectKind.AD:
            changes["name"] = data.get("name") or obj.name
        elif path in ("amountMicros", "amount_micros") and kind == AdObjectKind.BUDGET:
            changes["daily_budget_minor"] = _budget_micros(data.get("amountMicros")) // MICROS_PER_MINOR
        else:
            raise SandboxError(Failure.VALIDATION, f"The field {path} cannot be updated.", code="IMMUTABLE_FIELD")
    if not validate_only:
        update_object(obj, **changes)
    return obj


@api_endpoint(GOOGLE_ADS)
def mutate(request: HttpRequest, cid: str, resource: str) -> JsonResponse:
    account = _customer(request, cid)
    kind = RESOURCE_PATHS[resource]
    body = request_payload(request)
    operations = body.get("operations") or []
    if not operations:
        raise SandboxError(Failure.VALIDATION, "operations is required.", code="REQUIRED_FIELD_MISSING")
    validate_only = bool(body.get("validateOnly"))
    results = []
    with transaction.atomic():
        for op in operations:
            if "create" in op:
                obj = _create(account, kind, op["create"], validate_only)
            elif "update" in op:
                obj = _update(account, kind, op["update"], op.get("updateMask", ""), validate_only)
            elif "remove" in op:
                obj = _by_resource_name(account, op["remove"], kind)
                if not validate_only and kind != AdObjectKind.BUDGET:
                    update_object(obj, status="REMOVED")
            else:
                raise SandboxError(
                    Failure.VALIDATION, "Each operation needs create, update or remove.", code="OPERATION_REQUIRED"
                )
            results.append({"resourceName": _resource_name(obj)} if obj is not None else {})
    return JsonResponse({"results": [] if validate_only else results})


# --- GAQL --------------------------------------------------------------------------------------------------

_QUERY_RE = re.compile(
    r"^\s*SELECT\s+(?P<select>.+?)\s+FROM\s+(?P<resource>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?(?:\s+ORDER\s+BY\s+(?P<order>.+?))?(?:\s+LIMIT\s+(?P<limit>\d+))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_COND_RE = re.compile(
    r"^(?P<field>[\w.]+)\s+(?:(?P<op>=|!=|>=|<=|>|<|LIKE|IN|NOT IN)\s+(?P<value>.+)|"
    r"BETWEEN\s+'(?P<low>[\d-]+)'\s+TO\s+'(?P<high>[\d-]+)'|DURING\s+(?P<during>\w+))$",
    re.IGNORECASE,
)
_SEGMENT_SPLIT = re.compile(r"\s+AND\s+(?![^(]*\))(?=(?:[^']*'[^']*')*[^']*$)", re.IGNORECASE)
_BETWEEN = re.compile(r"BETWEEN\s+('[\d-]+')\s+AND\s+('[\d-]+')", re.IGNORECASE)
RESOURCES = {
    "campaign": AdObjectKind.CAMPAIGN,
    "campaign_budget": AdObjectKind.BUDGET,
    "ad_group": AdObjectKind.ADSET,
    "ad_group_ad": AdObjectKind.AD,
}
CUSTOMER_FIELDS = {"id", "descriptive_name", "currency_code", "time_zone", "resource_name"}
METRICS = {
    "metrics.cost_micros",
    "metrics.impressions",
    "metrics.clicks",
    "metrics.conversions",
    "metrics.conversions_value",
    "metrics.ctr",
    "metrics.average_cpc",
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _query_error(message: str, reason: str = "QUERY_ERROR") -> SandboxError:
    """A GAQL refusal: Google files these under ``queryError`` with a reason (``QUERY_ERROR`` when generic)."""
    return SandboxError(Failure.VALIDATION, message, code={"queryError": reason})


def _literal(raw: str) -> Any:
    raw = raw.strip()
    if raw.startswith("("):
        return [_literal(part) for part in raw.strip("()").split(",") if part.strip()]
    if raw.startswith(("'", '"')):
        return raw[1:-1]
    return raw


def _during(name: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days of a ``DURING`` range, as (days back to the first, days back to the last)."""
    weekday, sunday = today.weekday(), (today.weekday() + 1) % 7  # days since Monday, since Sunday
    spans = {"TODAY": (0, 0), "YESTERDAY": (1, 1), "LAST_7_DAYS": (7, 1), "LAST_14_DAYS": (14, 1)}
    spans |= {"LAST_30_DAYS": (30, 1), "THIS_MONTH": (today.day - 1, 0)}
    spans |= {"THIS_WEEK_MON_TODAY": (weekday, 0), "THIS_WEEK_SUN_TODAY": (sunday, 0)}
    spans |= {"LAST_WEEK_MON_SUN": (weekday + 7, weekday + 1), "LAST_WEEK_SUN_SAT": (sunday + 7, sunday + 1)}
    spans |= {"LAST_BUSINESS_WEEK": (weekday + 7, weekday + 3)}
    if name.upper() == "LAST_MONTH":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    if name.upper() not in spans:
        raise _query_error(f"Invalid date range {name} with the DURING operator.", "INVALID_VALUE_WITH_DURING_OPERATOR")
    back, end = spans[name.upper()]
    return today - dt.timedelta(days=back), today - dt.timedelta(days=end)


def _customer_attribute(account: SandboxAccount, attr: str) -> Any:
    if attr not in CUSTOMER_FIELDS:
        raise _query_error(f"Unrecognized field customer.{attr}.", "UNRECOGNIZED_FIELD")
    return {
        "id": account.external_id,
        "descriptive_name": account.name,
        "currency_code": account.currency,
        "time_zone": account.timezone_name,
        "resource_name": f"customers/{account.external_id}",
    }[attr]


def _customer_rows(account: SandboxAccount, fields: list[str], conditions: list[tuple]) -> list[dict]:
    """``FROM customer``: the one customer the request runs as, if it meets the conditions."""
    others = [f for f in fields + [c[0] for c in conditions] if not f.startswith("customer.")]
    if others:
        raise _query_error(f"{others[0]} cannot be used FROM customer.")
    if not all(_matches(_customer_attribute(account, f.partition(".")[2]), op, v) for f, op, v in conditions):
        return []
    customer = {"resourceName": _customer_attribute(account, "resource_name")}
    for field in fields:
        attr = field.partition(".")[2]
        customer[_camel(attr)] = _customer_attribute(account, attr)
    return [{"customer": customer}]


def _attribute(obj: SandboxAdObject, field: str) -> Any:
    resource, _, attr = field.partition(".")
    if resource == "customer":
        return _customer_attribute(obj.account, attr)
    if resource == "campaign_budget":
        target = obj if obj.kind == AdObjectKind.BUDGET else obj.budget
        if target is None:
            return None
        return {
            "id": target.external_id,
            "name": target.name,
            "amount_micros": str((target.daily_budget_minor or 0) * MICROS_PER_MINOR),
            "resource_name": _resource_name(target),
        }.get(attr)
    if resource == "ad_group_ad":
        if obj.kind != AdObjectKind.AD:
            return None
        return {
            "ad.id": obj.external_id,
            "ad.name": obj.name,
            "ad.final_urls": obj.data.get("ad", {}).get("finalUrls"),
            "status": obj.status,
            "resource_name": _resource_name(obj),
        }.get(attr)
    if resource == "ad_group":
        group = obj.parent if obj.kind == AdObjectKind.AD else obj
        if group is None or group.kind != AdObjectKind.ADSET:
            return None
        return {
            "id": group.external_id,
            "name": group.name,
            "status": group.status,
            "resource_name": _resource_name(group),
        }.get(attr)
    campaign = obj if obj.kind == AdObjectKind.CAMPAIGN else obj.campaign
    return {
        "id": campaign.external_id,
        "name": campaign.name,
        "status": campaign.status,
        "resource_name": _resource_name(campaign),
        "advertising_channel_type": campaign.data.get("advertisingChannelType"),
        "campaign_budget": _resource_name(campaign.budget) if campaign.budget_id else None,
        "bidding_strategy_type": campaign.objective,
    }.get(attr)


_ORDERINGS = {">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le}


def _matches(value: Any, op: str, expected: Any) -> bool:
    """One WHERE condition; ``op`` is one the condition grammar accepts."""
    value = "" if value is None else str(value)
    op = op.upper()
    if op in ("IN", "NOT IN"):
        if not isinstance(expected, list):
            raise _query_error(f"{op} needs a list of values in parentheses.", "EXPECTED_LIST")
        return (value in [str(e) for e in expected]) == (op == "IN")
    if op == "LIKE":
        pattern = "^" + re.escape(str(expected)).replace("%", ".*").replace("_", ".") + "$"
        return re.match(pattern, value) is not None
    if op in ("=", "!="):
        return (value == str(expected)) == (op == "=")
    compare = _ORDERINGS[op]
    try:  # numbers (ids, micros) compare as numbers, anything else as text
        return compare(float(value), float(str(expected)))
    except ValueError:
        return compare(value, str(expected))


def run_query(account: SandboxAccount, query: str) -> tuple[list[dict], list[str]]:
    match = _QUERY_RE.match(query)
    if not match:
        raise _query_error("The query is not valid GAQL.")
    fields = [f.strip() for f in match.group("select").split(",") if f.strip()]
    resource = match.group("resource")
    if resource not in RESOURCES and resource != "customer":
        raise _query_error(f"The sandbox does not serve FROM {resource}.")
    conditions, date_span = [], None
    where = _BETWEEN.sub(r"BETWEEN \1 TO \2", match.group("where") or "")
    for raw in _SEGMENT_SPLIT.split(where) if where else []:
        cond = _COND_RE.match(raw.strip())
        if not cond:
            raise _query_error(f"Cannot parse the condition {raw!r}.")
        if cond.group("field") == "segments.date":
            date_span = cond
        else:
            conditions.append((cond.group("field"), cond.group("op") or "=", _literal(cond.group("value") or "")))
    metric_fields = [f for f in fields if f.startswith("metrics.")]
    unknown = [f for f in metric_fields if f not in METRICS]
    if unknown:
        raise _query_error(f"Unrecognized field {unknown[0]}.", "UNRECOGNIZED_FIELD")
    daily = "segments.date" in fields
    if (daily or metric_fields) and resource != "campaign":
        raise _query_error("The sandbox reports metrics FROM campaign only.")
    if daily and date_span is None:
        raise _query_error(
            "segments.date in SELECT needs a finite date range in WHERE.", "EXPECTED_FILTERS_ON_DATE_RANGE"
        )
    if resource == "customer":
        return _customer_rows(account, fields, conditions), fields
    objects = (
        SandboxAdObject.objects.filter(account=account, kind=RESOURCES[resource])
        .select_related("account", "budget", "campaign", "parent")
        .order_by("created_at", "pk")
    )
    rows = []
    for obj in objects:
        if not all(_matches(_attribute(obj, f), op, v) for f, op, v in conditions):
            continue
        if not metric_fields and not daily:
            rows.append(_gaql_row(obj, fields, None))
            continue
        today = market.today_for(obj)
        if date_span is None:
            # No date range: the campaign's whole life, from its first day in the account's time zone.
            since, until = obj.created_at.astimezone(market.account_zone(obj)).date(), today
        elif date_span.group("during"):
            since, until = _during(date_span.group("during"), today)
        else:
            since, until = dt.date.fromisoformat(date_span.group("low")), dt.date.fromisoformat(date_span.group("high"))
        days = market.simulate_range(obj, since, until)
        if daily:
            rows.extend(_gaql_row(obj, fields, [d], day=d.date) for d in days)
        else:
            rows.append(_gaql_row(obj, fields, days))
    limit = match.group("limit")
    if limit:
        rows = rows[: int(limit)]
    return rows, fields


def _gaql_row(obj: SandboxAdObject, fields: list[str], days: list | None, day: dt.date | None = None) -> dict:
    row: dict[str, Any] = {}
    resource_key = {
        AdObjectKind.CAMPAIGN: "campaign",
        AdObjectKind.BUDGET: "campaignBudget",
        AdObjectKind.AD: "adGroupAd",
    }.get(obj.kind, "adGroup")
    row[resource_key] = {"resourceName": _resource_name(obj)}
    totals = {"cost": 0, "impressions": 0, "clicks": 0, "conversions": 0, "value": 0}
    for d in days or []:
        totals["cost"] += d.spend_minor
        totals["impressions"] += d.impressions
        totals["clicks"] += d.clicks
        totals["conversions"] += d.purchases
        totals["value"] += d.value_minor
    for field in fields:
        group, _, attr = field.partition(".")
        if group == "segments":
            row.setdefault("segments", {})["date"] = day.isoformat() if day else None
            continue
        if group == "metrics":
            value = {
                "cost_micros": str(totals["cost"] * MICROS_PER_MINOR),
                "impressions": str(totals["impressions"]),
                "clicks": str(totals["clicks"]),
                "conversions": float(totals["conversions"]),
                "conversions_value": totals["value"] / 100,
                "ctr": totals["clicks"] / totals["impressions"] if totals["impressions"] else 0.0,
                "average_cpc": str(totals["cost"] * MICROS_PER_MINOR // totals["clicks"]) if totals["clicks"] else "0",
            }[attr]
            row.setdefault("metrics", {})[_camel(attr)] = value
            continue
        value = _attribute(obj, field)
        if value is not None:
            if _camel(group) not in row:
                # Every resource a row carries comes with its resource name.
                row[_camel(group)] = {"resourceName": _attribute(obj, f"{group}.resource_name")}
            target = row.setdefault(_camel(group), {})
            *parents, leaf = attr.split(".")
            for part in parents:
                target = target.setdefault(_camel(part), {})
            target[_camel(leaf)] = value
    return row


@api_endpoint(GOOGLE_ADS)
def search(request: HttpRequest, cid: str, stream: bool = False) -> JsonResponse:
    account = _customer(request, cid)
    body = request_payload(request)
    if "pageSize" in body:
        raise SandboxError(Failure.VALIDATION, "Page size is not supported.", code="PAGE_SIZE_NOT_SUPPORTED")
    query = body.get("query") or ""
    if not query:
        raise SandboxError(Failure.VALIDATION, "query is required.", code="REQUIRED_FIELD_MISSING")
    rows, fields = run_query(account, query)
    field_mask = ",".join(".".join(_camel(part) for part in f.split(".")) for f in fields)
    request_id = uuid.uuid4().hex[:22]
    if stream:
        return JsonResponse([{"results": rows, "fieldMask": field_mask, "requestId": request_id}], safe=False)
    return JsonResponse({"results": rows, "fieldMask": field_mask, "requestId": request_id})
