"""GAQL at the sandbox: the Google Ads Query Language queries ``googleAds:search`` runs over the sandbox's objects
and the simulated market (``FROM campaign|campaign_budget|ad_group|ad_group_ad|customer``, ``WHERE`` with ``=``,
``!=``, comparisons, ``LIKE``, ``IN``, ``BETWEEN`` and ``DURING``, ``segments.date`` and the ``metrics.*`` Growth Hub
reads). Docs: https://developers.google.com/google-ads/api/docs/query/overview
"""

import datetime as dt
import operator
import re
from typing import Any

from platforms.constants import currency_exponent, micros_per_minor
from sandbox.ads import market
from sandbox.errors import Failure, SandboxError
from sandbox.models import SandboxAccount
from sandbox.models.ads import AdObjectKind, SandboxAdObject


def resource_name(obj: SandboxAdObject) -> str:
    cid = obj.account.external_id
    if obj.kind == AdObjectKind.BUDGET:
        return f"customers/{cid}/campaignBudgets/{obj.external_id}"
    if obj.kind == AdObjectKind.CAMPAIGN:
        return f"customers/{cid}/campaigns/{obj.external_id}"
    if obj.kind == AdObjectKind.ADSET:
        return f"customers/{cid}/adGroups/{obj.external_id}"
    return f"customers/{cid}/adGroupAds/{obj.parent.external_id}~{obj.external_id}"


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


def camel(name: str) -> str:
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
        customer[camel(attr)] = _customer_attribute(account, attr)
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
            "amount_micros": str((target.daily_budget_minor or 0) * micros_per_minor(target.account.currency)),
            "resource_name": resource_name(target),
        }.get(attr)
    if resource == "ad_group_ad":
        if obj.kind != AdObjectKind.AD:
            return None
        return {
            "ad.id": obj.external_id,
            "ad.name": obj.name,
            "ad.final_urls": obj.data.get("ad", {}).get("finalUrls"),
            "status": obj.status,
            "resource_name": resource_name(obj),
        }.get(attr)
    if resource == "ad_group":
        group = obj.parent if obj.kind == AdObjectKind.AD else obj
        if group is None or group.kind != AdObjectKind.ADSET:
            return None
        return {
            "id": group.external_id,
            "name": group.name,
            "status": group.status,
            "resource_name": resource_name(group),
        }.get(attr)
    campaign = obj if obj.kind == AdObjectKind.CAMPAIGN else obj.campaign
    return {
        "id": campaign.external_id,
        "name": campaign.name,
        "status": campaign.status,
        "resource_name": resource_name(campaign),
        "advertising_channel_type": campaign.data.get("advertisingChannelType"),
        "campaign_budget": resource_name(campaign.budget) if campaign.budget_id else None,
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
    row[resource_key] = {"resourceName": resource_name(obj)}
    totals = {"cost": 0, "impressions": 0, "clicks": 0, "conversions": 0, "value": 0}
    for d in days or []:
        totals["cost"] += d.spend_minor
        totals["impressions"] += d.impressions
        totals["clicks"] += d.clicks
        totals["conversions"] += d.purchases
        totals["value"] += d.value_minor
    per_minor = micros_per_minor(obj.account.currency)
    for field in fields:
        group, _, attr = field.partition(".")
        if group == "segments":
            row.setdefault("segments", {})["date"] = day.isoformat() if day else None
            continue
        if group == "metrics":
            value = {
                "cost_micros": str(totals["cost"] * per_minor),
                "impressions": str(totals["impressions"]),
                "clicks": str(totals["clicks"]),
                "conversions": float(totals["conversions"]),
                "conversions_value": totals["value"] / 10 ** currency_exponent(obj.account.currency),
                "ctr": totals["clicks"] / totals["impressions"] if totals["impressions"] else 0.0,
                "average_cpc": str(totals["cost"] * per_minor // totals["clicks"]) if totals["clicks"] else "0",
            }[attr]
            row.setdefault("metrics", {})[camel(attr)] = value
            continue
        value = _attribute(obj, field)
        if value is not None:
            if camel(group) not in row:
                # Every resource a row carries comes with its resource name.
                row[camel(group)] = {"resourceName": _attribute(obj, f"{group}.resource_name")}
            target = row.setdefault(camel(group), {})
            *parents, leaf = attr.split(".")
            for part in parents:
                target = target.setdefault(camel(part), {})
            target[camel(leaf)] = value
    return row
