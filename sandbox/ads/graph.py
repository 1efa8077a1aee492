"""The Graph API's request conventions the sandbox's Meta endpoints share: JSON-valued parameters, ``fields``,
cursor paging and ``filtering``. Docs: https://developers.facebook.com/docs/graph-api/results
"""

import base64
import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest

from sandbox.ads.common import to_int
from sandbox.errors import Failure, SandboxError
from sandbox.models.ads import AdObjectKind

DEFAULT_PAGE_SIZE = 25


def json_value(data: dict, name: str) -> Any:
    value = data.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise SandboxError(Failure.VALIDATION, f"Invalid parameter: {name} must be JSON.") from exc
    return value


def requested_fields(request: HttpRequest, default: str = "id,name") -> list[str]:
    return [f.strip() for f in (request.GET.get("fields") or default).split(",") if f.strip()]


def paged(request: HttpRequest, rows: list[dict]) -> dict:
    """Cursor paging as the Graph API does it: ``next`` only when there is another page."""
    limit = max(1, min(to_int(request.GET.get("limit") or DEFAULT_PAGE_SIZE, "limit"), 500))
    after = request.GET.get("after")
    offset = int(base64.urlsafe_b64decode(after.encode()).decode()) if after else 0
    page = rows[offset : offset + limit]
    body: dict[str, Any] = {"data": page}
    if rows:
        cursors = {
            "before": base64.urlsafe_b64encode(str(offset).encode()).decode(),
            "after": base64.urlsafe_b64encode(str(offset + len(page)).encode()).decode(),
        }
        body["paging"] = {"cursors": cursors}
        if offset + limit < len(rows):
            query = {k: v for k, v in request.GET.items() if k not in ("after", "access_token")}
            query["after"] = cursors["after"]
            body["paging"]["next"] = request.build_absolute_uri(request.path) + "?" + urlencode(query)
    return body


def filtered(qs: Any, request: HttpRequest, kind: str) -> Any:
    filtering = json_value(request.GET, "filtering") or []
    for rule in filtering:
        field, op, value = rule.get("field"), rule.get("operator"), rule.get("value")
        campaign_column = "external_id" if kind == AdObjectKind.CAMPAIGN else "campaign__external_id"
        column = {"name": "name", "id": "external_id", "campaign.id": campaign_column}.get(field)
        if field == "adset.id":
            column = "parent__external_id"
        if column is None:
            raise SandboxError(Failure.VALIDATION, f"Invalid parameter: filtering on {field} is not supported.")
        if op == "EQUAL":
            qs = qs.filter(**{column: value})
        elif op == "IN":
            qs = qs.filter(**{f"{column}__in": list(value or [])})
        elif op == "CONTAIN":
            qs = qs.filter(**{f"{column}__contains": value})
        else:
            raise SandboxError(Failure.VALIDATION, f"Invalid parameter: operator {op} is not supported.")
    return qs
