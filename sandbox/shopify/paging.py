"""Relay connections as Shopify pages them, and the ``query:`` search argument.

A cursor is Shopify's own shape, base64 of ``{"last_id": <id>, "last_value": <sort value>}``; a page takes
``first`` (1 to 250) nodes after it, ordered by the sort key then the id. In a bulk operation (``info.context["bulk"]``)
a connection has no page size: it yields every node.
"""

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from graphql import GraphQLError, GraphQLResolveInfo

MAX_PAGE_SIZE = 250
MAX_SEARCH_LENGTH = 1000
SEARCH_TERM = re.compile(r'(\w+):(>=|<=|>|<)?("[^"]*"|\S+)')
COMPARATORS = {">=": "gte", "<=": "lte", ">": "gt", "<": "lt"}


def _encode(last_id: int, last_value: Any) -> str:
    raw = json.dumps({"last_id": last_id, "last_value": last_value}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[int, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        last_id = data["last_id"]
        if not isinstance(last_id, int) or isinstance(last_id, bool):
            raise TypeError
        return last_id, data.get("last_value")
    except (ValueError, TypeError, KeyError, binascii.Error) as exc:
        raise GraphQLError("Invalid cursor for current pagination sort.", extensions={"code": "BAD_REQUEST"}) from exc


def page_size(info: GraphQLResolveInfo, first: int | None) -> int | None:
    """How many nodes a page holds (None: all of them, in a bulk operation)."""
    if info.context.get("bulk"):
        return None
    if first is None:
        raise GraphQLError("you must provide one of first or last", extensions={"code": "BAD_REQUEST"})
    if first < 0 or first > MAX_PAGE_SIZE:
        raise GraphQLError(
            f"The first argument must be between 0 and {MAX_PAGE_SIZE}.", extensions={"code": "BAD_REQUEST"}
        )
    return first


@dataclass
class BulkWindow:
    """Where each top-level connection of a bulk query stands as it is read ``size`` nodes at a time: the position
    (id, sort value) after which its next window starts, and the connections read to their end."""

    size: int
    positions: dict[str, tuple[int, Any]] = field(default_factory=dict)
    finished: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)

    def advance(self, key: str, position: tuple[int, Any] | None) -> None:
        self.seen.add(key)
        if position is None:
            self.finished.add(key)
        else:
            self.positions[key] = position

    @property
    def done(self) -> bool:
        return self.finished >= self.seen


def _connection(nodes: list[tuple[str, dict[str, Any]]], has_next: bool) -> dict[str, Any]:
    return {
        "edges": [{"cursor": cursor, "node": node} for cursor, node in nodes],
        "nodes": [node for _, node in nodes],
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": False,
            "startCursor": nodes[0][0] if nodes else None,
            "endCursor": nodes[-1][0] if nodes else None,
        },
    }


def list_connection(
    info: GraphQLResolveInfo,
    rows: Sequence[Model],
    to_node: Callable[[Any], dict[str, Any]],
    *,
    first: int | None,
    after: str | None,
    reverse: bool = False,
) -> dict[str, Any]:
    """A connection over rows already read (a product's variants, an order's lines), in id order."""
    size = page_size(info, first)
    ordered = list(reversed(rows)) if reverse else list(rows)
    if after:
        last_id, _ = _decode(after)
        ordered = [row for row in ordered if (row.pk < last_id if reverse else row.pk > last_id)]
    page = ordered if size is None else ordered[:size]
    has_next = size is not None and len(ordered) > size
    return _connection([(_encode(row.pk, row.pk), to_node(row)) for row in page], has_next)


def _sort_value(row: Model, field: str) -> Any:
    value = getattr(row, field)
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _after_filter(field: str, value: Any, last_id: int, reverse: bool) -> Q:
    if field == "pk":
        return Q(pk__lt=last_id) if reverse else Q(pk__gt=last_id)
    if isinstance(value, str) and field.endswith("_at"):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise GraphQLError("Invalid cursor for current pagination sort.") from exc
    op = "lt" if reverse else "gt"
    return Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": last_id})


def queryset_connection(
    info: GraphQLResolveInfo,
    queryset: QuerySet,
    to_node: Callable[[Any], dict[str, Any]],
    *,
    first: int | None,
    after: str | None,
    sort_field: str = "pk",
    reverse: bool = False,
) -> dict[str, Any]:
    """A page of ``queryset`` ordered by ``sort_field`` then id (descending with ``reverse``).

    A bulk operation reads its top-level connections in windows (``info.context["bulk_window"]``, see
    ``sandbox.shopify.bulk``): each execution of the query yields the next ``size`` nodes of each after where the
    previous window stopped, and notes where the next one starts."""
    size = page_size(info, first)
    window = info.context.get("bulk_window") if info.path.prev is None else None
    prefix = "-" if reverse else ""
    ordering = [f"{prefix}pk"] if sort_field == "pk" else [f"{prefix}{sort_field}", f"{prefix}pk"]
    queryset = queryset.order_by(*ordering)
    try:
        if after:
            last_id, last_value = _decode(after)
            queryset = queryset.filter(_after_filter(sort_field, last_value, last_id, reverse))
        if window is not None:
            key = info.path.key
            position = window.positions.get(key)
            if key in window.finished:
                rows = []
            else:
                if position is not None:
                    queryset = queryset.filter(_after_filter(sort_field, position[1], position[0], reverse))
                rows = list(queryset[: window.size])
            window.advance(key, (rows[-1].pk, _sort_value(rows[-1], sort_field)) if len(rows) == window.size else None)
        else:
            rows = list(queryset if size is None else queryset[: size + 1])
    except (ValueError, TypeError, ValidationError) as exc:
        # a cursor made under another sort key holds a value this key's field cannot compare with
        raise GraphQLError("Invalid cursor for current pagination sort.", extensions={"code": "BAD_REQUEST"}) from exc
    has_next = size is not None and len(rows) > size
    page = rows if size is None else rows[:size]
    return _connection([(_encode(row.pk, _sort_value(row, sort_field)), to_node(row)) for row in page], has_next)


def _search_moment(text: str, zone: ZoneInfo) -> dt.datetime | None:
    """A search date: ISO 8601 with a zone, or without one (then in the shop's zone), or a plain date."""
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def search_filter(text: str | None, fields: dict[str, str], zone: ZoneInfo) -> tuple[Q, list[str]]:
    """The rows a Shopify search string keeps, and warnings for the terms it ignored (as Shopify reports them in
    ``extensions.search``). ``fields`` maps a search field (``updated_at``) to a model field; a date field takes
    ``>=``, ``<=``, ``>``, ``<`` or ``:`` (that day, from the given moment on)."""
    if not text:
        return Q(), []
    if len(text) > MAX_SEARCH_LENGTH:
        raise GraphQLError(f"The query argument is longer than {MAX_SEARCH_LENGTH} characters.")
    condition, warnings = Q(), []
    for name, comparator, raw in SEARCH_TERM.findall(text):
        field = fields.get(name.lower())
        value = raw.strip('"')
        if field is None:
            warnings.append(f"Invalid search field for this query: {name}")
            continue
        if field.endswith("_at"):
            moment = _search_moment(value, zone)
            if moment is None:
                warnings.append(f"Input `{value}` is not an accepted value for {name}.")
                continue
            lookup = COMPARATORS.get(comparator or "", "gte")
            condition &= Q(**{f"{field}__{lookup}": moment})
        else:
            condition &= Q(**{f"{field}__iexact": value})
    return condition, warnings
