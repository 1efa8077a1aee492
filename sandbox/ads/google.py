"""Google Ads API (REST) at the sandbox: ``/sandbox/google_ads/v<NN>/customers/{cid}/...``.

Mutates (``campaignBudgets|campaigns|adGroups|adGroupAds:mutate``) take ``{"operations": [{"create"|"update"|
"remove": ...}], "partialFailure", "validateOnly"}`` and answer ``{"results": [{"resourceName"}]}``;
``googleAds:search`` runs a GAQL query (``sandbox.ads.gaql``) over the same objects and the simulated market;
``FROM customer`` answers the account's own name, currency and time zone (one row).
Every call needs ``developer-token``; ``login-customer-id`` (digits only) is optional.
Docs: https://developers.google.com/google-ads/api/rest/reference/rest/v25/customers.campaigns/mutate
"""

import datetime as dt
import re
import uuid
import zoneinfo
from typing import Any

from django.db import transaction
from django.http import HttpRequest, JsonResponse

from platforms.constants import GOOGLE_ADS, micros_per_minor
from sandbox.ads.common import (
    ad_account_for,
    create_object,
    object_in,
    parse_end_time,
    require,
    to_int,
    update_object,
)
from sandbox.ads.gaql import camel, resource_name, run_query
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


def _budget_minor(value: Any, currency: str) -> int:
    """A budget's ``amountMicros`` (a million to the unit of the account currency) in minor units of it."""
    micros = to_int(value, "amountMicros")
    if micros < MIN_BUDGET_MICROS or micros % micros_per_minor(currency):
        raise SandboxError(
            Failure.VALIDATION,
            "The budget must be at least 1.00 and a whole number of minor units.",
            code=(
                {"campaignBudgetError": "NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT"}
                if micros >= MIN_BUDGET_MICROS
                else {"rangeError": "TOO_LOW"}
            ),
        )
    return micros // micros_per_minor(currency)


def _create(account: SandboxAccount, kind: str, data: dict, validate_only: bool) -> SandboxAdObject | None:
    if kind == AdObjectKind.BUDGET:
        require(data, "name", "amountMicros")
        budget_minor = _budget_minor(data["amountMicros"], account.currency)
        if data.get("deliveryMethod", "STANDARD") not in ("STANDARD", "ACCELERATED"):
            raise SandboxError(Failure.VALIDATION, "Invalid deliveryMethod.", code="INVALID_ENUM_VALUE")
        if validate_only:
            return None
        return create_object(
            account=account,
            kind=kind,
            name=data["name"],
            status="ENABLED",
            daily_budget_minor=budget_minor,
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
            changes["daily_budget_minor"] = _budget_minor(data.get("amountMicros"), account.currency)
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
            results.append({"resourceName": resource_name(obj)} if obj is not None else {})
    return JsonResponse({"results": [] if validate_only else results})


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
    field_mask = ",".join(".".join(camel(part) for part in f.split(".")) for f in fields)
    request_id = uuid.uuid4().hex[:22]
    if stream:
        return JsonResponse([{"results": rows, "fieldMask": field_mask, "requestId": request_id}], safe=False)
    return JsonResponse({"results": rows, "fieldMask": field_mask, "requestId": request_id})
