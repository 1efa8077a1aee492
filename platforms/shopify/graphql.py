"""Shopify's Admin GraphQL API: one POST per query, cost-based throttling, cursor paging.

Docs: https://shopify.dev/docs/api/admin-graphql (endpoint, versions), https://shopify.dev/docs/api/usage/limits and
https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits (the leaky bucket of query cost: every answer's
``extensions.cost.throttleStatus``; a throttled query is HTTP 200 with ``errors[].extensions.code == "THROTTLED"``).
"""

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import requests

from platforms.base import PlatformHttp, parse_retry_after, redact
from platforms.constants import SHOPIFY
from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected, Transient
from platforms.shopify.urls import shop_url

logger = logging.getLogger("platforms.shopify")

# The stable Admin API version every call names (supported until at least 2027-10).
API_VERSION = "2026-10"
# How often a THROTTLED answer is waited out and the query sent again before RateLimited is raised.
MAX_THROTTLE_RETRIES = 3
# The wait when a throttled answer says nothing about the bucket (one second restores 100 points on Standard).
DEFAULT_THROTTLE_WAIT = 1.0
PAGE_SIZE = 100


@dataclass(frozen=True)
class ThrottleStatus:
    """The cost bucket as the last answer described it, and when that answer arrived (on the client's clock)."""

    maximum_available: float
    currently_available: float
    restore_rate: float
    seen_at: float

    def available_at(self, moment: float) -> float:
        restored = self.currently_available + self.restore_rate * max(0.0, moment - self.seen_at)
        return min(self.maximum_available, restored)

    def wait_for(self, cost: float, moment: float) -> float:
        """Seconds until ``cost`` points are available (0 when they are now)."""
        missing = cost - self.available_at(moment)
        if missing <= 0:
            return 0.0
        if self.restore_rate <= 0:
            return DEFAULT_THROTTLE_WAIT
        return missing / self.restore_rate


def _error_code(error: Any) -> str:
    if not isinstance(error, dict):
        return ""
    extensions = error.get("extensions")
    return str(extensions.get("code") or "") if isinstance(extensions, dict) else ""


def _errors_message(errors: Any) -> str:
    if isinstance(errors, str):
        return redact(errors)[:300]
    if isinstance(errors, list):
        messages = [str(e.get("message") or "") if isinstance(e, dict) else str(e) for e in errors]
        return redact("; ".join(m for m in messages if m))[:300] or "Shopify refused the query."
    if isinstance(errors, dict):
        return redact("; ".join(f"{key}: {value}" for key, value in errors.items()))[:300]
    return "Shopify refused the query."


class ShopifyGraphQL(PlatformHttp):
    """The Admin GraphQL endpoint of one shop, with one access token (never logged).

    ``sleep`` and ``clock`` (seconds, monotonic) are injectable so tests can see the waits without waiting.
    """

    slug = SHOPIFY

    def __init__(
        self,
        *,
        shop: str,
        access_token: str,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        max_throttle_retries: int = MAX_THROTTLE_RETRIES,
    ) -> None:
        super().__init__(session=session)
        self.shop = shop
        self._access_token = access_token
        self.sleep = sleep
        self.clock = clock
        self.max_throttle_retries = max_throttle_retries
        self.throttle: ThrottleStatus | None = None
        self._requested_costs: dict[str, float] = {}

    @property
    def endpoint(self) -> str:
        return shop_url(self.shop, f"admin/api/{API_VERSION}/graphql.json")

    def error_from_body(self, response: requests.Response, body: Any) -> PlatformError | None:
        status = response.status_code
        if status < 400:
            return None
        errors = body.get("errors") if isinstance(body, dict) else None
        message = _errors_message(errors) if errors else (response.reason or "Shopify refused the request.")
        where: dict[str, Any] = {"platform": SHOPIFY, "status": status}
        if status in (401, 403):
            return AuthExpired(message, **where)
        if status == 402:
            return Rejected(f"The Shopify store is frozen (unpaid): {message}", **where)
        if status == 423:
            return Rejected(f"The Shopify store is locked: {message}", **where)
        if status == 429:
            return RateLimited(
                message, retry_after=parse_retry_after(response.headers.get("Retry-After"), 2.0), **where
            )
        if status >= 500:
            return Transient(message, **where)
        return Rejected(message, **where)

    def execute(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of ``query``. Waits out the cost bucket before a query known to cost more than is available,
        and after a THROTTLED answer (at most ``max_throttle_retries`` times, then RateLimited). Raises
        ``platforms.errors``: AuthExpired, Rejected (with Shopify's message), RateLimited, Transient."""
        is_mutation = query.lstrip().startswith("mutation")
        attempts = 0
        while True:
            self._wait_for_room(query)
            body = self.request(
                "POST",
                self.endpoint,
                headers={"X-Shopify-Access-Token": self._access_token, "Accept": "application/json"},
                json={"query": query, "variables": dict(variables or {})},
                idempotent=not is_mutation,
            )
            if not isinstance(body, dict):
                raise Rejected("Shopify answered the query with something unreadable.", platform=SHOPIFY)
            requested = self._note_cost(query, body)
            errors = body.get("errors")
            if isinstance(errors, list) and any(_error_code(e) == "THROTTLED" for e in errors):
                wait = self._throttle_wait(requested)
                if attempts >= self.max_throttle_retries:
                    raise RateLimited("Shopify's query cost limit is exhausted.", retry_after=wait, platform=SHOPIFY)
                attempts += 1
                logger.info("shopify throttled", extra={"platform": SHOPIFY, "wait": wait, "attempt": attempts})
                self.sleep(wait)
                continue
            data = body.get("data")
            if errors and not data:
                codes = {_error_code(e) for e in errors} - {""} if isinstance(errors, list) else set()
                error_type = Transient if "INTERNAL_SERVER_ERROR" in codes else Rejected
                raise error_type(_errors_message(errors), platform=SHOPIFY, code=",".join(sorted(codes)) or None)
            if errors:
                logger.warning("shopify partial answer", extra={"platform": SHOPIFY, "errors": _errors_message(errors)})
            return data if isinstance(data, dict) else {}

    def paginate(
        self,
        query: str,
        *,
        path: Sequence[str],
        variables: Mapping[str, Any] | None = None,
        page_size: int = PAGE_SIZE,
        after: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every node of the connection at ``path`` in the data (``("orders",)``), page after page through
        ``pageInfo { hasNextPage endCursor }``, from the start or after cursor ``after``. ``query`` takes ``$first``
        and ``$after``."""
        while True:
            data = self.execute(query, {**(variables or {}), "first": page_size, "after": after})
            connection: Any = data
            for key in path:
                connection = connection.get(key) if isinstance(connection, dict) else None
            if not isinstance(connection, dict):
                return
            yield from connection_nodes(connection)
            page_info = connection.get("pageInfo") or {}
            after = page_info.get("endCursor")
            if not page_info.get("hasNextPage") or not after:
                return

    def _wait_for_room(self, query: str) -> None:
        cost = self._requested_costs.get(query)
        if cost is None or self.throttle is None:
            return
        wait = self.throttle.wait_for(cost, self.clock())
        if wait > 0:
            logger.info("shopify cost wait", extra={"platform": SHOPIFY, "wait": wait})
            self.sleep(wait)

    def _note_cost(self, query: str, body: dict[str, Any]) -> float | None:
        extensions = body.get("extensions")
        cost = extensions.get("cost") if isinstance(extensions, dict) else None
        if not isinstance(cost, dict):
            return None
        requested = _number(cost.get("requestedQueryCost"))
        if requested is not None:
            self._requested_costs[query] = requested
        status = cost.get("throttleStatus")
        if isinstance(status, dict):
            maximum, current, rate = (
                _number(status.get(name)) for name in ("maximumAvailable", "currentlyAvailable", "restoreRate")
            )
            if maximum is not None and current is not None and rate is not None:
                self.throttle = ThrottleStatus(
                    maximum_available=maximum, currently_available=current, restore_rate=rate, seen_at=self.clock()
                )
        return requested

    def _throttle_wait(self, requested: float | None) -> float:
        if requested is None or self.throttle is None:
            return DEFAULT_THROTTLE_WAIT
        return self.throttle.wait_for(requested, self.throttle.seen_at) or DEFAULT_THROTTLE_WAIT


def connection_nodes(connection: Any) -> Iterator[dict[str, Any]]:
    """The nodes of a GraphQL connection given as ``edges[{node}]`` or ``nodes[]`` (nothing for null)."""
    if not isinstance(connection, dict):
        return
    if isinstance(connection.get("nodes"), list):
        yield from (node for node in connection["nodes"] if isinstance(node, dict))
        return
    for edge in connection.get("edges") or []:
        if isinstance(edge, dict) and isinstance(edge.get("node"), dict):
            yield edge["node"]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
