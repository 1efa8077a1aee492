"""The demo store's commerce: its catalogue and a year of customers, orders and order lines shaped like a real
shop's.

Everything is drawn from one numpy generator seeded by ``seed`` (products first, then ``orders.draw_orders``), so the
same seed and end date give the same rows. Rows are written with ``COPY`` on PostgreSQL and ``executemany`` on
SQLite, with ids allocated up front, so a million orders take minutes, not hours.
"""

import base64
import json
from typing import Any

import numpy as np
from django.db import transaction

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
from demo.seed.store import DEMO_CURRENCY, DEMO_DOMAIN
from stores.exceptions import ApplicationError
from stores.models import Customer, Order, OrderLine, OrderStatus, Product

CHUNK_ORDERS = 50_000
# The mediums of paid traffic in the link vocabulary (stores.links): its ads carry a variant in utm_content.
PAID = frozenset({"paid_social", "cpc"})
STATUS_VALUES = [
    OrderStatus.PAID,
    OrderStatus.CANCELLED,
    OrderStatus.REFUNDED,
    OrderStatus.PARTIALLY_REFUNDED,
    OrderStatus.PENDING,
]
ORDER_FIELDS = ["id", "store", "external_id", "customer", "total_minor", "refunded_minor", "currency", "status"]
ORDER_FIELDS += ["created_at", "landing_url", "referrer", "utm_source", "utm_medium", "utm_campaign", "utm_content"]
ORDER_FIELDS += ["utm_term", "click_ids", "visitor_id"]
ORDER_COLUMNS = ["customer", "channel", "landing_product", "month", "year", "ad_variant", "total", "refunded"]
ORDER_COLUMNS += ["status", "tracked"]


def demo_commerce_seed(*, plan: DemoSeedPlan, progress: ProgressFactory = no_progress) -> str:
    """Write products, customers, orders and order lines for ``plan`` in one transaction; returns a summary.

    Refuses a store that already has products, customers or orders (reset it first): external ids restart.
    """
    store = plan.store
    with relaxed_durability(), transaction.atomic():
        if any(m.objects.filter(store=store).exists() for m in (Product, Customer, Order)):
            raise ApplicationError(
                "The demo store already has commerce data; reset it before seeding again.", code="demo_not_empty"
            )
        lock_tables()
        rng = np.random.default_rng(plan.seed)
        tz = store.tzinfo
        product_ids = _write_products(plan=plan, rng=rng)
        data = draw_orders(plan=plan, rng=rng, tz=tz)
        ids: dict[type, int] = {m: next_id(m) for m in (Customer, Order, OrderLine)}
        n = plan.orders
        with progress("orders", n) as bar:
            for lo in range(0, n, CHUNK_ORDERS):
                hi = min(n, lo + CHUNK_ORDERS)
                _write_chunk(plan=plan, data=data, lo=lo, hi=hi, ids=ids, product_ids=product_ids)
                bar.update(hi - lo)
        reset_sequences()
    refunded = int(np.isin(data["status"], [2, 3]).sum())
    return (
        f"{len(CATALOG)} products, {data['n_customers']} customers, {n} orders "
        f"({len(data['line_product'])} lines, {refunded} refunded)"
    )


def _write_products(*, plan: DemoSeedPlan, rng: np.random.Generator) -> list[int]:
    first = next_id(Product)
    ids = list(range(first, first + len(CATALOG)))
    launched = (plan.start.timestamp() - rng.integers(30, 400, len(CATALOG)) * 86400).astype(np.int64)
    launched_at = timestamps(launched)
    updated_at = timestamps(np.array([int(plan.end.timestamp())]))[0]
    rows = []
    for i, (handle, title, category, price, cost, stock, tags, status) in enumerate(CATALOG):
        description = f"{title}: {', '.join(tags)}. Built for {category.lower()} days by Northwind Outfitters."
        rows.append(
            (ids[i], plan.store.id, handle, title, description, price, cost, DEMO_CURRENCY,
             f"https://{DEMO_DOMAIN}/products/{handle}", f"https://{DEMO_DOMAIN}/images/products/{handle}.jpg",
             json.dumps(tags), category, stock, status, launched_at[i], updated_at)
        )  # fmt: skip
    fields = ["id", "store", "external_id", "title", "description", "price_minor", "unit_cost_minor", "currency"]
    fields += ["url", "image_url", "tags", "category", "inventory_quantity", "status", "created_at", "updated_at"]
    insert_rows(Product, fields, rows)
    return ids


def _write_chunk(
    *, plan: DemoSeedPlan, data: dict[str, Any], lo: int, hi: int, ids: dict[type, int], product_ids: list[int]
) -> None:
    """Insert orders ``lo..hi``, their lines, and the customers whose first order falls among them."""
    _write_customers(plan=plan, data=data, lo=lo, hi=hi, ids=ids)
    _write_orders(plan=plan, data=data, lo=lo, hi=hi, ids=ids)
    _write_lines(plan=plan, data=data, lo=lo, hi=hi, ids=ids, product_ids=product_ids)


def _write_customers(*, plan: DemoSeedPlan, data: dict[str, Any], lo: int, hi: int, ids: dict[type, int]) -> None:
    """The customers whose first order is among orders ``lo..hi``."""
    store_id = plan.store.id
    c_lo, c_hi = np.searchsorted(data["customer_first"], [lo, hi])
    firsts, lasts = data["customer_names"]
    names = [
        (FIRST_NAMES[f], LAST_NAMES[g])
        for f, g in zip(firsts[c_lo:c_hi].tolist(), lasts[c_lo:c_hi].tolist(), strict=True)
    ]
    created = timestamps(data["customer_created"][c_lo:c_hi])
    customer_rows = (
        (ids[Customer] + c, store_id, f"C{c + 1:07d}",
         f"{first.lower()}.{last.lower()}{c + 1}@{EMAIL_DOMAINS[d]}", f"{first} {last}", bool(mk), created[i])
        for i, (c, (first, last), d, mk) in enumerate(
            zip(range(c_lo, c_hi), names, data["customer_domain"][c_lo:c_hi].tolist(),
                data["customer_marketing"][c_lo:c_hi].tolist(), strict=True)
        )
    )  # fmt: skip
    fields = ["id", "store", "external_id", "email", "name", "accepts_marketing", "created_at"]
    insert_rows(Customer, fields, customer_rows)


def _write_orders(*, plan: DemoSeedPlan, data: dict[str, Any], lo: int, hi: int, ids: dict[type, int]) -> None:
    """Orders ``lo..hi``, each with its landing URL, referrer, UTM tags, click ids and visitor."""
    store_id = plan.store.id
    offsets = data["offsets"]
    line_product = data["line_product"]
    created = timestamps(data["epoch"][lo:hi])
    column = {k: data[k][lo:hi].tolist() for k in ORDER_COLUMNS}
    landing_handle = line_product[offsets[lo:hi]].tolist()
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
        c = column["customer"][j]
        source, medium, referrer, click_param, _ = CHANNELS[column["channel"][j]]
        handle, _, category = CATALOG[landing_handle[j]][:3]
        landing = (
            f"https://{DEMO_DOMAIN}/products/{handle}" if column["landing_product"][j] else f"https://{DEMO_DOMAIN}/"
        )
        campaign = content = term = ""
        click_ids: dict[str, str] = {}
        if source:
            season = f"{SEASONS[column['month'][j] - 1]}-{column['year'][j]}"
            campaign = {
                "social": f"organic-{season}",
                "paid_social": season,
                "cpc": season,
                "email": f"newsletter-{season}",
            }[medium]
            content = {"social": f"post-{handle}"}.get(
                medium, f"ad-{handle}-v{column['ad_variant'][j]}" if medium in PAID else handle
            )
            term = SEARCH_TERMS[category] if source == "google_ads" else ""
            query = f"utm_source={source}&utm_medium={medium}&utm_campaign={campaign}&utm_content={content}"
            if click_param:
                token = base64.urlsafe_b64encode(data["click_bytes"][lo + j].tobytes()).decode().rstrip("=")
                click_ids[click_param] = CLICK_ID_PREFIX[click_param] + token
                query += f"&{click_param}={click_ids[click_param]}"
            landing = f"{landing}?{query}"
        click_json = json.dumps(click_ids) if click_ids else "{}"
        rows.append(
            (ids[Order] + lo + j, store_id, str(1001 + lo + j), ids[Customer] + c if c >= 0 else None,
             column["total"][j], column["refunded"][j], DEMO_CURRENCY, STATUS_VALUES[column["status"][j]],
             created[j], landing, referrer, source, medium, campaign, content, term, click_json,
             visitors[j] if column["tracked"][j] else "")
        )  # fmt: skip
    insert_rows(Order, ORDER_FIELDS, rows)


def _write_lines(
    *, plan: DemoSeedPlan, data: dict[str, Any], lo: int, hi: int, ids: dict[type, int], product_ids: list[int]
) -> None:
    """The lines of orders ``lo..hi``."""
    store_id = plan.store.id
    offsets, line_product = data["offsets"], data["line_product"]
    a, b = int(offsets[lo]), int(offsets[hi])
    line_order = np.repeat(np.arange(lo, hi), np.diff(offsets[lo : hi + 1]))
    line_rows = (
        (ids[OrderLine] + a + j, store_id, ids[Order] + o, product_ids[p], CATALOG[p][1], q, price)
        for j, (o, p, q, price) in enumerate(
            zip(line_order.tolist(), line_product[a:b].tolist(), data["quantity"][a:b].tolist(),
                data["unit_price"][a:b].tolist(), strict=True)
        )
    )  # fmt: skip
    insert_rows(OrderLine, ["id", "store", "order", "product", "title", "quantity", "unit_price_minor"], line_rows)
