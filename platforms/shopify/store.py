"""Shopify's store data for ``stores``: the shop, catalogue, customers, orders, the bulk history backfill, webhooks.

Docs: https://shopify.dev/docs/api/usage/bulk-operations/queries (run, poll, the JSONL result whose nested nodes are
separate lines naming their ``__parentId``, not grouped after their parent since 2026-01),
https://shopify.dev/docs/api/admin-graphql/latest/mutations/webhookSubscriptionCreate.
"""

import datetime as dt
import json
import logging
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

import requests

from platforms.base import build_session, default_timeout, redact, transport_error
from platforms.constants import SHOPIFY
from platforms.errors import Rejected, Transient
from platforms.shopify import mapping, queries
from platforms.shopify.graphql import ShopifyGraphQL, connection_nodes
from platforms.shopify.oauth import normalize_shop_domain
from platforms.store_records import BackfillStatus, CustomerRecord, OrderRecord, ProductRecord, ShopRecord

logger = logging.getLogger("platforms.shopify")

# The topics Growth Hub subscribes each shop to (GraphQL WebhookSubscriptionTopic names). The compliance topics
# (customers/data_request, customers/redact, shop/redact) are not among them: Shopify takes those only from the
# app's configuration (shopify.app.toml or the Partner Dashboard), never through the API.
WEBHOOK_TOPICS = (
    "ORDERS_CREATE",
    "ORDERS_UPDATED",
    "ORDERS_PAID",
    "ORDERS_CANCELLED",
    "REFUNDS_CREATE",
    "PRODUCTS_CREATE",
    "PRODUCTS_UPDATE",
    "PRODUCTS_DELETE",
    "INVENTORY_LEVELS_UPDATE",
    "APP_UNINSTALLED",
)
# Shopify's userError when the shop already sends this topic to this address.
ALREADY_SUBSCRIBED = "already been taken"
DOWNLOAD_CHUNK_BYTES = 1024 * 1024
# The children of an order in the result file that are its lines (any other nested object is not read).
LINE_ITEM_GID = "gid://shopify/LineItem/"
# Rows written to the spool per transaction while the result file streams in.
SPOOL_BATCH = 5000


def _search_since(updated_since: dt.datetime | None) -> str | None:
    if updated_since is None:
        return None
    return "updated_at:>=" + updated_since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _user_errors_message(errors: list[Any]) -> str:
    return redact("; ".join(str(e.get("message") or "") for e in errors if isinstance(e, dict)))[:300]


class ShopifyStore:
    """The Admin API of one shop (``account_id`` is its ``<handle>.myshopify.com``) with its access token.

    Implements ``platforms.store_records.StoreDataClient``; every method raises ``platforms.errors``.
    """

    slug = SHOPIFY

    def __init__(
        self,
        *,
        access_token: str,
        account_id: str,
        session: requests.Session | None = None,
        download_session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.shop_domain = normalize_shop_domain(account_id)
        self.graphql = ShopifyGraphQL(
            shop=self.shop_domain, access_token=access_token, session=session, sleep=sleep, clock=clock
        )
        self._download_session = download_session
        self._shop: ShopRecord | None = None

    # -- catalogue, customers, orders ------------------------------------------------------------------------------

    def shop(self) -> ShopRecord:
        data = self.graphql.execute(queries.SHOP_QUERY)
        if not isinstance(data.get("shop"), dict):
            raise Rejected("Shopify did not describe the shop.", platform=SHOPIFY)
        self._shop = mapping.shop_record(data["shop"])
        return self._shop

    @property
    def currency(self) -> str:
        """The shop's currency (read once per client): the catalogue's prices are in it."""
        return (self._shop or self.shop()).currency

    def products(self, *, updated_since: dt.datetime | None = None) -> Iterator[ProductRecord]:
        currency = self.currency
        for node in self.graphql.paginate(
            queries.PRODUCTS_QUERY,
            path=("products",),
            variables={"query": _search_since(updated_since)},
            page_size=queries.PRODUCTS_PAGE_SIZE,
        ):
            node = self._completed(node, "variants", queries.PRODUCT_VARIANTS_QUERY, ("product", "variants"))
            yield mapping.product_record(node, currency)

    def customers(self, *, updated_since: dt.datetime | None = None) -> Iterator[CustomerRecord]:
        for node in self.graphql.paginate(
            queries.CUSTOMERS_QUERY, path=("customers",), variables={"query": _search_since(updated_since)}
        ):
            yield mapping.customer_record(node)

    def orders(self, *, updated_since: dt.datetime | None = None) -> Iterator[OrderRecord]:
        """Orders by last change (``sortKey: UPDATED_AT``), those changed at or after ``updated_since`` when given.
        Paging stops at 25,000 objects at Shopify: deeper history comes from the backfill."""
        for node in self.graphql.paginate(
            queries.ORDERS_QUERY,
            path=("orders",),
            variables={"query": _search_since(updated_since)},
            page_size=queries.ORDERS_PAGE_SIZE,
        ):
            yield mapping.order_record(
                self._completed(node, "lineItems", queries.ORDER_LINES_QUERY, ("order", "lineItems"))
            )

    def order(self, external_id: str) -> OrderRecord | None:
        data = self.graphql.execute(queries.ORDER_QUERY, {"id": mapping.gid("Order", external_id)})
        node = data.get("order")
        if not isinstance(node, dict):
            return None
        return mapping.order_record(
            self._completed(node, "lineItems", queries.ORDER_LINES_QUERY, ("order", "lineItems"))
        )

    def _completed(self, node: dict[str, Any], field: str, query: str, path: tuple[str, str]) -> dict[str, Any]:
        """``node`` with every node of its nested connection ``field``: the first slice came with it; the rest, if
        any, is paged from the slice's end cursor with ``query`` (which takes the node's ``$id``)."""
        connection = node.get(field)
        page_info = connection.get("pageInfo") if isinstance(connection, dict) else None
        if not isinstance(page_info, dict) or not page_info.get("hasNextPage") or not page_info.get("endCursor"):
            return node
        rest = self.graphql.paginate(query, path=path, variables={"id": node.get("id")}, after=page_info["endCursor"])
        return {**node, field: {"nodes": [*connection_nodes(connection), *rest]}}

    # -- the history backfill --------------------------------------------------------------------------------------

    def backfill_start(self) -> BackfillStatus:
        """Start the bulk query over every order with its lines, refunds, journey, codes, attributes and customer.
        Raises Rejected with Shopify's userErrors (bulk operations not enabled, too many running)."""
        data = self.graphql.execute(queries.BULK_RUN_MUTATION, {"query": queries.BULK_ORDERS_QUERY})
        payload = data.get("bulkOperationRunQuery") or {}
        errors = payload.get("userErrors") or []
        operation = payload.get("bulkOperation")
        if errors or not isinstance(operation, dict) or not operation.get("id"):
            raise Rejected(
                _user_errors_message(errors) or "Shopify did not start the order backfill.", platform=SHOPIFY
            )
        return BackfillStatus(operation_id=str(operation["id"]), status=str(operation.get("status") or "CREATED"))

    def backfill_status(self, operation_id: str) -> BackfillStatus:
        data = self.graphql.execute(queries.BULK_STATUS_QUERY, {"id": operation_id})
        operation = data.get("bulkOperation")
        if not isinstance(operation, dict):
            raise Rejected(f"Shopify knows no bulk operation {operation_id}.", platform=SHOPIFY)
        try:
            object_count = int(operation.get("objectCount") or 0)
        except (TypeError, ValueError):
            object_count = 0
        return BackfillStatus(
            operation_id=str(operation.get("id") or operation_id),
            status=str(operation.get("status") or ""),
            url=str(operation.get("url") or ""),
            object_count=object_count,
            error_code=str(operation.get("errorCode") or ""),
        )

    def backfill_orders(self, status: BackfillStatus) -> Iterator[OrderRecord]:
        """Every order of a finished backfill's result file (nothing when it matched no order: ``url`` empty).

        The file is streamed into a temporary SQLite spool on disk (orders and lines apart, lines indexed by their
        ``__parentId``), then read back joined, so memory stays bounded whatever the file's size and wherever a
        line sits relative to its order. The URL is Shopify's own pre-signed storage: fetched without the token.
        """
        if not status.url:
            return
        handle, path = tempfile.mkstemp(prefix="shopify-backfill-", suffix=".sqlite3")
        os.close(handle)
        spool = sqlite3.connect(path)
        try:
            spool.execute("PRAGMA journal_mode = OFF")
            spool.execute("PRAGMA synchronous = OFF")
            spool.execute("CREATE TABLE orders (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
            spool.execute("CREATE TABLE lines (seq INTEGER PRIMARY KEY, parent TEXT NOT NULL, body TEXT NOT NULL)")
            self._spool_result(status.url, spool)
            spool.execute("CREATE INDEX lines_parent ON lines (parent, seq)")
            yield from self._joined_orders(spool)
        finally:
            spool.close()
            os.unlink(path)

    def _download_lines(self, url: str) -> Iterator[bytes]:
        session = self._download_session or build_session()
        try:
            response = session.get(url, stream=True, timeout=default_timeout())
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise transport_error(exc, platform=SHOPIFY, idempotent=True) from exc
        with response:
            if response.status_code >= 500:
                raise Transient("Shopify's backfill file could not be fetched.", platform=SHOPIFY)
            if response.status_code >= 400:
                raise Rejected(
                    "Shopify's backfill file is gone (its link lasts 7 days): start the backfill again.",
                    platform=SHOPIFY,
                    status=response.status_code,
                )
            try:
                yield from response.iter_lines(chunk_size=DOWNLOAD_CHUNK_BYTES)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                raise transport_error(exc, platform=SHOPIFY, idempotent=True) from exc

    def _spool_result(self, url: str, spool: sqlite3.Connection) -> None:
        orders: list[tuple[str, str]] = []
        lines: list[tuple[str, str]] = []

        def flush() -> None:
            spool.executemany("INSERT OR REPLACE INTO orders (id, body) VALUES (?, ?)", orders)
            spool.executemany("INSERT INTO lines (parent, body) VALUES (?, ?)", lines)
            spool.commit()
            orders.clear()
            lines.clear()

        for raw in self._download_lines(url):
            if not raw.strip():
                continue
            text = raw.decode()
            try:
                node = json.loads(text)
            except ValueError as exc:
                raise Rejected("Shopify's backfill file holds a line that is not JSON.", platform=SHOPIFY) from exc
            if not isinstance(node, dict) or not node.get("id"):
                raise Rejected("Shopify's backfill file holds a line without an id.", platform=SHOPIFY)
            parent = node.get("__parentId")
            if parent:
                if str(node["id"]).startswith(LINE_ITEM_GID):
                    lines.append((str(parent), text))
            else:
                orders.append((str(node["id"]), text))
            if len(orders) + len(lines) >= SPOOL_BATCH:
                flush()
        flush()

    def _joined_orders(self, spool: sqlite3.Connection) -> Iterator[OrderRecord]:
        """Orders and their lines, both read in id order and merged (one pass over each table)."""
        line_rows = spool.cursor().execute("SELECT parent, body FROM lines ORDER BY parent, seq")
        pending = line_rows.fetchone()
        for order_id, body in spool.cursor().execute("SELECT id, body FROM orders ORDER BY id"):
            while pending is not None and pending[0] < order_id:
                logger.warning("shopify backfill orphan line", extra={"platform": SHOPIFY, "parent": pending[0]})
                pending = line_rows.fetchone()
            children = []
            while pending is not None and pending[0] == order_id:
                children.append(json.loads(pending[1]))
                pending = line_rows.fetchone()
            yield mapping.order_record(json.loads(body), lines=children)

    # -- webhooks --------------------------------------------------------------------------------------------------

    def webhooks_register(self, *, address: str, secret: str = "") -> list[str]:
        """Subscribe the shop to every topic of ``WEBHOOK_TOPICS`` at ``address``; the GIDs of the subscriptions.

        A topic already sent to ``address`` is not an error: its existing subscription is returned. ``secret`` is
        unused: Shopify signs every delivery with the app's client secret. Raises Rejected with Shopify's userErrors
        (e.g. an app not approved for protected customer data cannot subscribe to order topics).
        """
        subscription_ids = []
        for topic in WEBHOOK_TOPICS:
            data = self.graphql.execute(queries.WEBHOOK_CREATE_MUTATION, {"topic": topic, "uri": address})
            payload = data.get("webhookSubscriptionCreate") or {}
            errors = payload.get("userErrors") or []
            subscription = payload.get("webhookSubscription")
            if not errors and isinstance(subscription, dict) and subscription.get("id"):
                subscription_ids.append(str(subscription["id"]))
                continue
            if errors and all(ALREADY_SUBSCRIBED in str(e.get("message") or "") for e in errors):
                existing = self._subscription_id(topic=topic, address=address)
                if existing:
                    subscription_ids.append(existing)
                    continue
            raise Rejected(
                f"Shopify refused the {topic} webhook: {_user_errors_message(errors) or 'no subscription made'}.",
                platform=SHOPIFY,
            )
        return subscription_ids

    def _subscription_id(self, *, topic: str, address: str) -> str:
        data = self.graphql.execute(queries.WEBHOOKS_QUERY, {"topic": topic})
        for node in (data.get("webhookSubscriptions") or {}).get("nodes") or []:
            if isinstance(node, dict) and node.get("uri") == address:
                return str(node.get("id") or "")
        return ""
