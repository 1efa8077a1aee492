"""The demo shop's trade at the sandbox Shopify store: its catalogue and a year of customers, orders, lines and
refunds shaped like a real shop's.

The seed fills the sandbox's shop, never the hub's tables: Northwind Outfitters gets its catalogue and orders by
installing Growth Hub on that shop and syncing (``demo.connect``), the way a merchant's store does. Everything is
drawn from one numpy generator seeded by ``seed`` (products first, then ``orders.draw_orders``, then the refunds'
days), so the same seed and end date give the same shop. Rows are written with ``COPY`` on PostgreSQL and
``executemany`` on SQLite, with ids allocated up front, so a year of a busy shop takes seconds.
"""

import base64
import json
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from demo.seed.bulk import insert_rows, lock_tables, next_id, relaxed_durability, reset_sequences, timestamps
from demo.seed.catalog import (
    CATALOG,
    CHANNELS,
    CLICK_ID_PREFIX,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    SEARCH_TERMS,
    SEASONS,
)
from demo.seed.orders import draw_orders
from demo.seed.plan import DemoSeedPlan, ProgressFactory, no_progress
from demo.seed.store import DEMO_CURRENCY, DEMO_DOMAIN, DEMO_SHOP, DEMO_STORE_NAME, DEMO_TIMEZONE
from sandbox.models import (
    ShopifyCustomer,
    ShopifyOrder,
    ShopifyOrderLine,
    ShopifyProduct,
    ShopifyRefund,
    ShopifyRefundLine,
    ShopifyShop,
    ShopifyVariant,
)
from sandbox.shopify.services import sandbox_shopify_shop_ensure
from stores.exceptions import ApplicationError
from stores.models import Customer, Order, Product

CHUNK_ORDERS = 50_000
# The mediums of paid traffic in the link vocabulary (stores.links): its ads carry a variant in utm_content.
PAID = frozenset({"paid_social", "cpc"})
# The generator's status codes (0 paid, 1 cancelled, 2 refunded, 3 partially refunded, 4 pending) as Shopify's.
FINANCIAL_STATUSES = ["PAID", "VOIDED", "REFUNDED", "PARTIALLY_REFUNDED", "PENDING"]
PRODUCT_STATUSES = {"active": "ACTIVE", "draft": "DRAFT", "archived": "ARCHIVED"}
# The cart attribute the storefront sets to the visitor id (what the hub's ingest reads into Order.visitor_id).
VISITOR_ATTRIBUTE = "_gh_visitor"
SANDBOX_TABLES = (
    ShopifyProduct,
    ShopifyVariant,
    ShopifyCustomer,
    ShopifyOrder,
    ShopifyOrderLine,
    ShopifyRefund,
    ShopifyRefundLine,
)
ORDER_FIELDS = ["id", "shop", "number", "customer", "currency", "financial_status", "subtotal_minor"]
ORDER_FIELDS += ["total_discounts_minor", "shipping_minor", "tax_minor", "total_minor", "discount_codes"]
ORDER_FIELDS += ["custom_attributes", "note", "journey_ready", "landing_page", "referrer_url", "visit_source", "utm"]
ORDER_FIELDS += ["test", "created_at", "processed_at", "updated_at", "cancelled_at"]
ORDER_COLUMNS = ["customer", "channel", "landing_product", "month", "year", "ad_variant", "total", "refunded"]
ORDER_COLUMNS += ["status", "tracked"]


def demo_shop_ensure() -> ShopifyShop:
    """The sandbox's Shopify shop of Northwind Outfitters (its name, currency, zone and storefront domain)."""
    shop = sandbox_shopify_shop_ensure(
        domain=DEMO_SHOP, name=DEMO_STORE_NAME, currency=DEMO_CURRENCY, iana_timezone=DEMO_TIMEZONE
    )
    ShopifyShop.objects.filter(pk=shop.pk).update(
        name=DEMO_STORE_NAME,
        currency=DEMO_CURRENCY,
        iana_timezone=DEMO_TIMEZONE,
        primary_domain=f"https://{DEMO_DOMAIN}",
    )
    shop.refresh_from_db()
    return shop


def demo_shop_reset(*, shop: ShopifyShop) -> None:
    """Delete the shop's catalogue, customers and orders, children first, one DELETE a table: Django's collector
    would load every row of a million-order shop first, and these tables point at nothing else. The shop itself,
    its app installs and webhook subscriptions stay."""
    orders = ShopifyOrder.objects.filter(shop=shop)
    ShopifyRefundLine.objects.filter(refund__order__in=orders)._raw_delete(connection.alias)
    ShopifyRefund.objects.filter(order__in=orders)._raw_delete(connection.alias)
    ShopifyOrderLine.objects.filter(order__in=orders)._raw_delete(connection.alias)
    orders._raw_delete(connection.alias)
    ShopifyCustomer.objects.filter(shop=shop)._raw_delete(connection.alias)
    ShopifyVariant.objects.filter(product__shop=shop)._raw_delete(connection.alias)
    ShopifyProduct.objects.filter(shop=shop)._raw_delete(connection.alias)


def demo_commerce_seed(*, plan: DemoSeedPlan, progress: ProgressFactory = no_progress) -> str:
    """Replace the sandbox shop's catalogue, customers, orders and refunds with ``plan``'s year, in one transaction;
    returns a summary. The hub's own tables are not touched: they fill when the store syncs the shop.

    Refuses a store that already has products, customers or orders (reset it first): the shop's ids restart.
    """
    store = plan.store
    if any(m.objects.filter(store=store).exists() for m in (Product, Customer, Order)):
        raise ApplicationError(
            "The demo store already has commerce data; reset it before seeding again.", code="demo_not_empty"
        )
    with relaxed_durability(), transaction.atomic():
        shop = demo_shop_ensure()
        demo_shop_reset(shop=shop)
        lock_tables(SANDBOX_TABLES)
        rng = np.random.default_rng(plan.seed)
        product_ids, variant_ids = _write_products(plan=plan, shop=shop, rng=rng)
        data = draw_orders(plan=plan, rng=rng, tz=store.tzinfo)
        ids: dict[type, int] = {m: next_id(m) for m in SANDBOX_TABLES}
        refund_days = rng.integers(1, 11, plan.orders)
        n = plan.orders
        with progress("orders", n) as bar:
            for lo in range(0, n, CHUNK_ORDERS):
                hi = min(n, lo + CHUNK_ORDERS)
                _write_customers(plan=plan, shop=shop, data=data, lo=lo, hi=hi, ids=ids)
                _write_orders(plan=plan, shop=shop, data=data, lo=lo, hi=hi, ids=ids)
                _write_lines(data=data, lo=lo, hi=hi, ids=ids, product_ids=product_ids, variant_ids=variant_ids)
                _write_refunds(plan=plan, data=data, lo=lo, hi=hi, ids=ids, refund_days=refund_days)
                bar.update(hi - lo)
        reset_sequences(SANDBOX_TABLES)
    refunded = int(np.isin(data["status"], [2, 3]).sum())
    return (
        f"{len(CATALOG)} products, {data['n_customers']} customers, {n} orders "
        f"({len(data['line_product'])} lines, {refunded} refunded) at the sandbox shop {shop.domain}"
    )


def _write_products(*, plan: DemoSeedPlan, shop: ShopifyShop, rng: np.random.Generator) -> tuple[list[int], list[int]]:
    """The catalogue, one variant a product; returns the product ids and the variant ids in catalogue order."""
    first_product, first_variant = next_id(ShopifyProduct), next_id(ShopifyVariant)
    launched = (plan.start.timestamp() - rng.integers(30, 400, len(CATALOG)) * 86400).astype(np.int64)
    launched_at = timestamps(launched)
    updated_at = timestamps(np.array([int(plan.end.timestamp())]))[0]
    # Product images are the sandbox's own, so a browser showing the catalogue needs no internet.
    media = f"{settings.SANDBOX_BASE_URL.rstrip('/')}/media"
    products, variants = [], []
    for i, (handle, title, category, price, cost, stock, tags, status) in enumerate(CATALOG):
        description = f"{title}: {', '.join(tags)}. Built for {category.lower()} days by Northwind Outfitters."
        products.append(
            (first_product + i, shop.pk, title, handle, PRODUCT_STATUSES[status], description, category,
             json.dumps(tags), f"{media}/{handle}-800x800.jpg", launched_at[i], updated_at)
        )  # fmt: skip
        variants.append(
            (first_variant + i, first_product + i, "Default Title", f"NW-{i + 1:03d}", 1, price, None, stock, True,
             cost)
        )  # fmt: skip
    fields = ["id", "shop", "title", "handle", "status", "description", "product_type", "tags", "image_url"]
    insert_rows(ShopifyProduct, [*fields, "created_at", "updated_at"], products)
    fields = ["id", "product", "title", "sku", "position", "price_minor", "compare_at_price_minor"]
    insert_rows(ShopifyVariant, [*fields, "inventory_quantity", "tracked", "unit_cost_minor"], variants)
    count = len(CATALOG)
    return list(range(first_product, first_product + count)), list(range(first_variant, first_variant + count))


def _write_customers(
    *, plan: DemoSeedPlan, shop: ShopifyShop, data: dict[str, Any], lo: int, hi: int, ids: dict[type, int]
) -> None:
    """The customers whose first order is among orders ``lo..hi``."""
    c_lo, c_hi = np.searchsorted(data["customer_first"], [lo, hi])
    firsts, lasts = data["customer_names"]
    created = timestamps(data["customer_created"][c_lo:c_hi])
    rows = (
        (ids[ShopifyCustomer] + c, shop.pk,
         f"{FIRST_NAMES[f].lower()}.{LAST_NAMES[g].lower()}{c + 1}@{EMAIL_DOMAINS[d]}", FIRST_NAMES[f], LAST_NAMES[g],
         "SUBSCRIBED" if mk else "NOT_SUBSCRIBED", created[i], created[i])
        for i, (c, f, g, d, mk) in enumerate(
            zip(range(c_lo, c_hi), firsts[c_lo:c_hi].tolist(), lasts[c_lo:c_hi].tolist(),
                data["customer_domain"][c_lo:c_hi].tolist(), data["customer_marketing"][c_lo:c_hi].tolist(),
                strict=True)
        )
    )  # fmt: skip
    fields = ["id", "shop", "email", "first_name", "last_name", "marketing_state", "created_at", "updated_at"]
    insert_rows(ShopifyCustomer, fields, rows)


def _journey(data: dict[str, Any], column: dict[str, list], order: int, j: int, handle: str, category: str) -> tuple:
    """(landing page, referrer, visit source, utm) of order ``order`` (row ``j`` of its chunk)."""
    source, medium, referrer, click_param, _ = CHANNELS[column["channel"][j]]
    landing = f"https://{DEMO_DOMAIN}/products/{handle}" if column["landing_product"][j] else f"https://{DEMO_DOMAIN}/"
    if not source:
        return landing, referrer, "search" if referrer else "direct", {}
    season = f"{SEASONS[column['month'][j] - 1]}-{column['year'][j]}"
    campaign = {"social": f"organic-{season}", "paid_social": season, "cpc": season, "email": f"newsletter-{season}"}
    content = {"social": f"post-{handle}"}.get(
        medium, f"ad-{handle}-v{column['ad_variant'][j]}" if medium in PAID else handle
    )
    utm = {"source": source, "medium": medium, "campaign": campaign[medium], "content": content}
    if source == "google_ads":
        utm["term"] = SEARCH_TERMS[category]
    query = "&".join(f"utm_{key}={value}" for key, value in utm.items())
    if click_param:
        token = base64.urlsafe_b64encode(data["click_bytes"][order].tobytes()).decode().rstrip("=")
        query += f"&{click_param}={CLICK_ID_PREFIX[click_param]}{token}"
    return f"{landing}?{query}", referrer, source, utm


def _write_orders(
    *, plan: DemoSeedPlan, shop: ShopifyShop, data: dict[str, Any], lo: int, hi: int, ids: dict[type, int]
) -> None:
    """Orders ``lo..hi``, each with its journey (landing page, referrer, UTM, click id) and visitor attribute."""
    created = timestamps(data["epoch"][lo:hi])
    cancelled = timestamps(data["epoch"][lo:hi] + 7200)
    column = {k: data[k][lo:hi].tolist() for k in ORDER_COLUMNS}
    landing_product = data["line_product"][data["offsets"][lo:hi]].tolist()
    visitors = [
        f"{a:016x}{b:016x}"
        for a, b in np.where(
            ((data["customer"][lo:hi] >= 0) & data["same_device"][lo:hi])[:, None],
            data["customer_visitor"][np.maximum(data["customer"][lo:hi], 0)],
            data["visitor"][lo:hi],
        ).tolist()
    ]
    rows = []
    for j in range(hi - lo):
        c, total, status = column["customer"][j], column["total"][j], column["status"][j]
        handle, _, category = CATALOG[landing_product[j]][:3]
        landing, referrer, visit_source, utm = _journey(data, column, lo + j, j, handle, category)
        attributes = [{"key": VISITOR_ATTRIBUTE, "value": visitors[j]}] if column["tracked"][j] else []
        rows.append(
            (ids[ShopifyOrder] + lo + j, shop.pk, 1001 + lo + j, ids[ShopifyCustomer] + c if c >= 0 else None,
             DEMO_CURRENCY, FINANCIAL_STATUSES[status], total, 0, 0, 0, total, "[]", json.dumps(attributes), "",
             True, landing, referrer, visit_source, json.dumps(utm), False, created[j], created[j], created[j],
             cancelled[j] if status == 1 else None)
        )  # fmt: skip
    insert_rows(ShopifyOrder, ORDER_FIELDS, rows)


def _write_lines(
    *, data: dict[str, Any], lo: int, hi: int, ids: dict[type, int], product_ids: list[int], variant_ids: list[int]
) -> None:
    """The lines of orders ``lo..hi`` (line ``k`` of the year has id ``first + k``)."""
    offsets, line_product = data["offsets"], data["line_product"]
    a, b = int(offsets[lo]), int(offsets[hi])
    line_order = np.repeat(np.arange(lo, hi), np.diff(offsets[lo : hi + 1]))
    rows = (
        (ids[ShopifyOrderLine] + a + j, ids[ShopifyOrder] + o, variant_ids[p], product_ids[p], CATALOG[p][1],
         f"NW-{p + 1:03d}", q, price, 0)
        for j, (o, p, q, price) in enumerate(
            zip(line_order.tolist(), line_product[a:b].tolist(), data["quantity"][a:b].tolist(),
                data["unit_price"][a:b].tolist(), strict=True)
        )
    )  # fmt: skip
    fields = ["id", "order", "variant", "product", "name", "sku", "quantity", "unit_price_minor", "discount_minor"]
    insert_rows(ShopifyOrderLine, fields, rows)


def _write_refunds(
    *, plan: DemoSeedPlan, data: dict[str, Any], lo: int, hi: int, ids: dict[type, int], refund_days: np.ndarray
) -> None:
    """A refund of each refunded order among ``lo..hi``, one to ten days after it (never after the period's end):
    every line for a full refund, the last line for a partial one."""
    status, refunded, offsets = data["status"], data["refunded"], data["offsets"]
    end = int(plan.end.timestamp())
    refund_rows: list[tuple[int, int, str, int, int]] = []
    line_rows: list[tuple[int, int, int, int]] = []
    for o in np.flatnonzero(np.isin(status[lo:hi], [2, 3])).tolist():
        order = lo + o
        refund_id = ids[ShopifyRefund] + len(refund_rows)
        when = min(end - 1, int(data["epoch"][order]) + int(refund_days[order]) * 86400)
        refund_rows.append((refund_id, ids[ShopifyOrder] + order, "Returned", int(refunded[order]), when))
        first, last = int(offsets[order]), int(offsets[order + 1])
        refunded_lines = range(first, last) if status[order] == 2 else range(last - 1, last)
        for k in refunded_lines:
            quantity, price = int(data["quantity"][k]), int(data["unit_price"][k])
            if status[order] == 2:
                line_rows.append((refund_id, ids[ShopifyOrderLine] + k, quantity, quantity * price))
            else:  # part of the last line: the whole line, one of its units, or a share of its one unit
                amount = int(refunded[order])
                line_rows.append((refund_id, ids[ShopifyOrderLine] + k, max(1, min(quantity, amount // price)), amount))
    when_text = timestamps(np.array([row[4] for row in refund_rows], dtype=np.int64)) if refund_rows else []
    insert_rows(
        ShopifyRefund,
        ["id", "order", "note", "amount_minor", "created_at"],
        [(*row[:4], when_text[i]) for i, row in enumerate(refund_rows)],
    )
    insert_rows(
        ShopifyRefundLine,
        ["id", "refund", "line", "quantity", "subtotal_minor"],
        [(ids[ShopifyRefundLine] + i, *row) for i, row in enumerate(line_rows)],
    )
    ids[ShopifyRefund] += len(refund_rows)
    ids[ShopifyRefundLine] += len(line_rows)
