"""WooCommerce's store data for ``stores``: the shop, catalogue, customers, orders, the history and webhooks.

Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/ (``GET /system_status``, ``/settings/general``,
``/products`` and ``/products/<id>/variations``, ``/customers``, ``/orders`` with ``modified_after``,
``/orders/<id>/refunds``, ``/webhooks``).

WooCommerce has no bulk export: the history "backfill" is finished as soon as it starts, and reading it pages through
every order by id, oldest first, 100 at a time. The incremental sync asks for objects modified after the watermark
(one second early: WooCommerce's times have whole seconds and its filter is strict, and the hub applies a record
of the same time again harmlessly).

Each webhook gets its own secret, derived from the connection's webhook secret and its topic
(``platforms.woocommerce.webhooks.topic_secret``), so the receiver can verify any of them while the hub stores one.
A webhook's name carries the connection's mark (a fingerprint of that secret): the hub finds and deletes its own
webhooks by it, never another Growth Hub connection's on the same site.
"""

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import requests

from platforms.constants import WOOCOMMERCE
from platforms.errors import Rejected
from platforms.store_records import BackfillStatus, CustomerRecord, OrderRecord, ProductRecord, ShopRecord
from platforms.woocommerce import mapping
from platforms.woocommerce.rest import WooCommerceRest
from platforms.woocommerce.site import normalize_site_url
from platforms.woocommerce.webhooks import topic_secret

# The topics Growth Hub subscribes a site to (order.updated also fires on refunds).
WEBHOOK_TOPICS = (
    "order.created",
    "order.updated",
    "product.created",
    "product.updated",
    "product.deleted",
)
WEBHOOK_NAME_PREFIX = "Growth Hub"
# The backfill has no operation at WooCommerce: this names the one pass over the whole history.
BACKFILL_OPERATION = "woocommerce:orders:all"
BACKFILL_COMPLETED = "COMPLETED"
SINCE_MARGIN = dt.timedelta(seconds=1)


def _gmt(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0).isoformat()


def connection_mark(secret: str) -> str:
    """A short fingerprint of the connection's webhook secret, shown in its webhooks' names (not the secret)."""
    return hashlib.sha256(f"growthhub-webhook-mark:{secret}".encode()).hexdigest()[:12]


class WooCommerceStore:
    """The REST API of one WooCommerce site (``account_id`` is its home URL) with a consumer key and secret
    (``access_token`` is ``"<ck>:<cs>"``, never logged).

    Implements ``platforms.store_records.StoreDataClient``; every method raises ``platforms.errors``.
    """

    slug = WOOCOMMERCE

    def __init__(
        self,
        *,
        access_token: str,
        account_id: str,
        session: requests.Session | None = None,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.site_url = normalize_site_url(account_id)
        self._now = now
        self.rest = WooCommerceRest(site_url=self.site_url, access_token=access_token, session=session)
        self._shop: ShopRecord | None = None

    def __repr__(self) -> str:
        return f"<WooCommerceStore {self.site_url}>"

    # -- the shop --------------------------------------------------------------------------------------------------

    def shop(self) -> ShopRecord:
        """The store: its currency from ``/system_status`` (``settings.currency``, else ``/settings/general``), its
        name and time zone from WordPress's index ``/wp-json/`` (``name``, ``timezone_string``, else the whole-hour
        ``gmt_offset``), else the zone ``/system_status`` reports, else UTC (WordPress's default)."""
        status = self.rest.get("system_status")
        if not isinstance(status, dict):
            raise Rejected("WooCommerce did not describe the store.", platform=WOOCOMMERCE)
        environment = mapping.json_object(status, "environment")
        settings_block = mapping.json_object(status, "settings")
        currency = str(settings_block.get("currency") or "").upper() or self._general_currency()
        if not currency:
            raise Rejected("WooCommerce did not say the store's currency.", platform=WOOCOMMERCE)
        index = self._site_index()
        home = str(index.get("home") or environment.get("home_url") or self.site_url).rstrip("/")
        timezone = site_zone(index) or str(settings_block.get("timezone") or "") or "UTC"
        self._shop = ShopRecord(
            external_id=str(environment.get("store_id") or home)[:255],
            name=str(index.get("name") or "").strip()[:200] or _site_name(home),
            domain=home,
            currency=currency,
            timezone=timezone,
            primary_domain_url=home,
        )
        return self._shop

    def _site_index(self) -> dict[str, Any]:
        """WordPress's REST index; {} when the site does not serve it (the shop is then named by its host)."""
        try:
            body, _ = self.rest.call("GET", "wp-json/", site_root=True)
        except Rejected:
            return {}
        return body if isinstance(body, dict) else {}

    def _general_currency(self) -> str:
        for setting in self.rest.get("settings/general") or []:
            if isinstance(setting, dict) and setting.get("id") == "woocommerce_currency":
                return str(setting.get("value") or "").upper()
        return ""

    @property
    def currency(self) -> str:
        """The store's currency (read once per client): the catalogue's prices are in it."""
        return (self._shop or self.shop()).currency

    # -- catalogue, customers, orders ------------------------------------------------------------------------------

    def _window(self, updated_since: dt.datetime | None) -> dict[str, str]:
        """The modified-time window of one pass, by last change, oldest first: from the watermark (one second
        early) to the moment the pass starts. The upper bound keeps the pages still while they are read: an object
        changed meanwhile would move to the end and shift a not-yet-read one onto a page already read; it is read
        by the next pass instead."""
        window = {
            "orderby": "modified",
            "order": "asc",
            # Whole seconds, rounded up: what changed in the second the pass starts is in it.
            "modified_before": _gmt(self._now() + SINCE_MARGIN),
            "dates_are_gmt": "true",
        }
        if updated_since is not None:
            window["modified_after"] = _gmt(updated_since - SINCE_MARGIN)
        return window

    def products(self, *, updated_since: dt.datetime | None = None) -> Iterator[ProductRecord]:
        """Products (every status) by last change, with a variable product's variations read beside it."""
        currency = self.currency
        for body in self.rest.pages("products", {"status": "any", **self._window(updated_since)}):
            variations: list[dict[str, Any]] = []
            if body.get("type") == "variable":
                product_id = mapping.object_id(body, "product")
                variations = list(self.rest.pages(f"products/{product_id}/variations", {"orderby": "id"}))
            yield mapping.product_record(body, currency, variations=variations)

    def customers(self, *, updated_since: dt.datetime | None = None) -> Iterator[CustomerRecord]:
        """Registered customers: all of them the first time; afterwards those registered since ``updated_since``,
        newest first, read until an older one (WooCommerce's customer list has no modified filter, and reading every
        customer each pass would not scale). A customer's later edits come in with their orders, which carry the
        billing name and e-mail."""
        if updated_since is None:
            for body in self.rest.pages("customers", {"orderby": "id", "order": "asc"}):
                yield mapping.customer_record(body)
            return
        for body in self.rest.pages("customers", {"orderby": "registered_date", "order": "desc"}):
            record = mapping.customer_record(body)
            if record.created_at < updated_since - SINCE_MARGIN:
                return
            yield record

    def orders(self, *, updated_since: dt.datetime | None = None) -> Iterator[OrderRecord]:
        """Orders by last change (every status), each with its refunds read when it has any."""
        for body in self.rest.pages("orders", {"status": "any", **self._window(updated_since)}):
            yield self._order_record(body)

    def order(self, external_id: str) -> OrderRecord | None:
        if not str(external_id).isdigit():
            return None
        try:
            body = self.rest.get(f"orders/{int(external_id)}")
        except Rejected as exc:
            if exc.status == 404:
                return None
            raise
        return self._order_record(body) if isinstance(body, dict) else None

    def _order_record(self, body: dict[str, Any]) -> OrderRecord:
        refunds = None
        if body.get("refunds"):
            order_id = mapping.object_id(body, "order")
            refunds = list(self.rest.pages(f"orders/{order_id}/refunds"))
        return mapping.order_record(body, refunds=refunds)

    # -- the history -----------------------------------------------------------------------------------------------

    def backfill_start(self) -> BackfillStatus:
        """Nothing to prepare at WooCommerce: the history is ready to be paged at once."""
        return BackfillStatus(operation_id=BACKFILL_OPERATION, status=BACKFILL_COMPLETED, url=self.site_url)

    def backfill_status(self, operation_id: str) -> BackfillStatus:
        return BackfillStatus(operation_id=operation_id, status=BACKFILL_COMPLETED, url=self.site_url)

    def backfill_orders(self, status: BackfillStatus) -> Iterator[OrderRecord]:
        """Every order of the store, oldest first by id, page by page (memory stays one page)."""
        for body in self.rest.pages("orders", {"status": "any", "orderby": "id", "order": "asc"}):
            yield self._order_record(body)

    # -- webhooks --------------------------------------------------------------------------------------------------

    def _own_webhooks(self, *, address: str, secret: str) -> list[dict[str, Any]]:
        mark = connection_mark(secret)
        return [
            hook
            for hook in self.rest.pages("webhooks", {"status": "any"})
            if hook.get("delivery_url") == address and str(hook.get("name") or "").endswith(f"[{mark}]")
        ]

    def webhooks_register(self, *, address: str, secret: str = "") -> list[str]:
        """Create a webhook per topic of ``WEBHOOK_TOPICS`` to ``address``, each with its own secret; the ids.

        A topic this connection already has an active webhook for is kept, not created again (a retried start
        creates nothing twice); a disabled or duplicate one of this connection is deleted and replaced. ``secret``
        is the connection's webhook secret (required).
        """
        if not secret:
            raise Rejected("A WooCommerce webhook needs a secret.", platform=WOOCOMMERCE)
        mark = connection_mark(secret)
        existing: dict[str, str] = {}
        for hook in self._own_webhooks(address=address, secret=secret):
            if hook.get("status") == "active" and str(hook.get("topic")) not in existing:
                existing[str(hook.get("topic"))] = str(hook.get("id"))
            else:
                # WooCommerce disables a webhook after repeated failed deliveries: replaced by a fresh one below.
                self._webhook_delete(hook)
        ids = []
        for topic in WEBHOOK_TOPICS:
            if topic in existing:
                ids.append(existing[topic])
                continue
            body, _ = self.rest.call(
                "POST",
                "webhooks",
                json={
                    "name": f"{WEBHOOK_NAME_PREFIX} {topic} [{mark}]",
                    "topic": topic,
                    "delivery_url": address,
                    "secret": topic_secret(secret=secret, topic=topic),
                    "status": "active",
                },
            )
            if not isinstance(body, dict) or not body.get("id"):
                raise Rejected(f"WooCommerce did not create the {topic} webhook.", platform=WOOCOMMERCE)
            ids.append(str(body["id"]))
        return ids

    def webhooks_delete(self, *, address: str, secret: str) -> int:
        """Delete every webhook this connection made (by its mark) to ``address``; how many were deleted."""
        deleted = 0
        for hook in self._own_webhooks(address=address, secret=secret):
            self._webhook_delete(hook)
            deleted += 1
        return deleted

    def _webhook_delete(self, hook: dict[str, Any]) -> None:
        """Delete one webhook (WooCommerce does not trash webhooks: ``force`` is required); one already gone is
        not an error."""
        try:
            self.rest.call("DELETE", f"webhooks/{mapping.object_id(hook, 'webhook')}", params={"force": "true"})
        except Rejected as exc:
            if exc.status != 404:
                raise


def site_zone(index: dict[str, Any]) -> str:
    """The site's IANA zone, or the POSIX-style ``Etc/GMT-N`` zone of a whole-hour ``gmt_offset`` (its sign
    inverted, as the tz database names them); "" when neither is usable."""
    zone = str(index.get("timezone_string") or "").strip()
    if zone:
        return zone
    offset = index.get("gmt_offset")
    try:
        hours = float(offset) if offset not in (None, "") else None
    except (TypeError, ValueError):
        hours = None
    if hours is None or not hours.is_integer() or not -12 <= hours <= 14:
        return ""
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{-int(hours):+d}"


def _site_name(home: str) -> str:
    return home.split("://", 1)[-1]
