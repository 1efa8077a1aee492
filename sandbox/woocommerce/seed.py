"""A sandbox WooCommerce site's history and its shoppers arriving: catalogue, customers, orders, refunds.

``sandbox_woo_seed`` writes months of history in a few bulk inserts and delivers no webhook (it is the past, which
the hub backfills through the REST API); ``sandbox_woo_orders_arrive`` places new orders one by one through
``sandbox_woo_order_place``, so each one is delivered to the ``order.created`` webhooks.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from platforms.constants import currency_exponent
from sandbox.models import (
    WooCustomer,
    WooOrder,
    WooOrderLine,
    WooOrderStatus,
    WooProduct,
    WooProductType,
    WooRefund,
    WooSite,
)
from sandbox.woocommerce.services import (
    OrderLineSpec,
    attribution_meta,
    sandbox_woo_order_place,
    sandbox_woo_site_ensure,
)

PRODUCT_KINDS = (
    ("Merino Socks", "Socks"),
    ("Trail Beanie", "Hats"),
    ("Canvas Tote", "Bags"),
    ("Rain Shell", "Jackets"),
    ("Wool Scarf", "Accessories"),
    ("Hiking Cap", "Hats"),
    ("Fleece Gloves", "Accessories"),
    ("Camp Mug", "Gear"),
)
COLOURS = ("Moss", "Slate", "Rust", "Sand", "Navy", "Charcoal")
SIZES = ("S", "M", "L")
FIRST_NAMES = ("Ava", "Ben", "Chloe", "Dev", "Elif", "Finn", "Grace", "Hugo", "Iris", "Jonas", "Kira", "Leo")
LAST_NAMES = ("Moreno", "Nguyen", "Okafor", "Patel", "Quinn", "Rossi", "Schmidt", "Tanaka", "Umar", "Varga")
# (weight, source_type, utm_source, utm_medium, referrer): where the sandbox's shoppers come from.
CHANNELS = (
    (30, "typein", "", "", ""),
    (20, "utm", "instagram", "social", "https://l.instagram.com/"),
    (15, "utm", "tiktok", "social", "https://www.tiktok.com/"),
    (10, "utm", "pinterest", "social", "https://www.pinterest.com/"),
    (15, "utm", "google", "cpc", "https://www.google.com/"),
    (10, "utm", "facebook", "cpc", "https://l.facebook.com/"),
)
PAID_STATUSES = (WooOrderStatus.COMPLETED, WooOrderStatus.COMPLETED, WooOrderStatus.PROCESSING)
REFUND_SHARE = 0.05
CANCELLED_SHARE = 0.03


@dataclass(frozen=True)
class SeedSummary:
    products: int
    variations: int
    customers: int
    orders: int
    refunds: int


def _unit(currency: str) -> int:
    """Minor units in one major unit: prices are drawn in major units and scaled."""
    return 10 ** currency_exponent(currency)


def _catalogue(site: WooSite, rng: random.Random, count: int, start: dt.datetime) -> list[WooProduct]:
    """``count`` products, every third one variable (three sizes); returns the purchasable ones (simple products
    and variations)."""
    unit = _unit(site.currency)
    parents: list[WooProduct] = []
    for index in range(count):
        base, category = PRODUCT_KINDS[index % len(PRODUCT_KINDS)]
        name = f"{COLOURS[index % len(COLOURS)]} {base}" + (f" {index // len(PRODUCT_KINDS) + 1}" if index >= 8 else "")
        price = rng.randrange(12, 120) * unit - (unit // 100 if unit > 1 else 0)
        created = start - dt.timedelta(days=rng.randrange(1, 30))
        parents.append(
            WooProduct(
                site=site,
                type=WooProductType.VARIABLE if index % 3 == 2 else WooProductType.SIMPLE,
                name=name,
                slug=slugify(name),
                sku=f"NW-{index + 1:04d}",
                regular_price_minor=price,
                cost_minor=price * rng.randrange(25, 55) // 100,
                stock_quantity=rng.randrange(20, 400),
                categories=[category],
                images=[f"https://picsum.photos/seed/{slugify(name)}/800/800"],
                date_created_gmt=created,
                date_modified_gmt=created,
            )
        )
    WooProduct.objects.bulk_create(parents)
    variations = [
        WooProduct(
            site=site,
            parent=parent,
            type=WooProductType.VARIATION,
            name=size,
            slug=f"{parent.slug}-{size.lower()}",
            sku=f"{parent.sku}-{size}",
            regular_price_minor=parent.regular_price_minor,
            cost_minor=parent.cost_minor,
            stock_quantity=rng.randrange(5, 120),
            attributes=[{"name": "Size", "option": size}],
            date_created_gmt=parent.date_created_gmt,
            date_modified_gmt=parent.date_modified_gmt,
        )
        for parent in parents
        if parent.type == WooProductType.VARIABLE
        for size in SIZES
    ]
    WooProduct.objects.bulk_create(variations)
    return [p for p in parents if p.type == WooProductType.SIMPLE] + variations


def _attribution(rng: random.Random, products: list[WooProduct], site: WooSite) -> dict[str, str]:
    _, source_type, source, medium, referrer = rng.choices(CHANNELS, weights=[c[0] for c in CHANNELS])[0]
    product = rng.choice(products)
    slug = product.parent.slug if product.parent else product.slug
    if source_type == "typein":
        return {"source_type": "typein", "session_entry": f"https://{site.handle}.example/", "device_type": "Desktop"}
    campaign = f"{slug}-{medium}"
    return {
        "source_type": source_type,
        "utm_source": source,
        "utm_medium": medium,
        "utm_campaign": campaign,
        "utm_content": f"{source}-{rng.randrange(1, 6)}",
        "session_entry": (
            f"https://{site.handle}.example/product/{slug}/?utm_source={source}&utm_medium={medium}"
            f"&utm_campaign={campaign}"
        ),
        "referrer": referrer,
        "device_type": rng.choice(("Mobile", "Mobile", "Desktop")),
    }


@transaction.atomic
def sandbox_woo_seed(
    *, handle: str, products: int, days: int, orders_per_day: int, seed: int, now: dt.datetime | None = None
) -> SeedSummary:
    """Replace the site's catalogue, customers and orders with a deterministic history of ``days`` days ending at
    ``now``: ``products`` products, about ``orders_per_day`` orders a day, some refunded or cancelled, most with
    Order Attribution meta and a visitor id. API keys and webhooks are kept; no webhook is delivered.

    The same arguments give the same data (ids aside). Raises ValueError when a count is out of bounds.
    """
    if not (1 <= products <= 500 and 1 <= days <= 730 and 0 <= orders_per_day <= 500):
        raise ValueError("products 1–500, days 1–730 and orders_per_day 0–500 are the bounds.")
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    start = now - dt.timedelta(days=days)
    rng = random.Random(seed)
    site = sandbox_woo_site_ensure(handle=handle)
    WooOrder.objects.filter(site=site).delete()
    WooCustomer.objects.filter(site=site).delete()
    WooProduct.objects.filter(site=site).delete()
    purchasable = _catalogue(site, rng, products, start)
    parents = {p.pk: p for p in WooProduct.objects.filter(site=site, parent__isnull=True)}
    for product in purchasable:
        if product.parent_id:
            product.parent = parents[product.parent_id]
    customer_count = max(1, days * orders_per_day // 3)
    customers = [
        WooCustomer(
            site=site,
            email=f"shopper{n}@{handle}.example",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            date_created_gmt=start,
            date_modified_gmt=start,
        )
        for n in range(1, customer_count + 1)
    ]
    WooCustomer.objects.bulk_create(customers)
    unit = _unit(site.currency)
    orders: list[WooOrder] = []
    baskets: list[list[tuple[WooProduct, int]]] = []
    for day in range(days):
        for _ in range(max(0, round(rng.gauss(orders_per_day, orders_per_day**0.5)))):
            placed = start + dt.timedelta(days=day, seconds=rng.randrange(86400))
            basket = [(rng.choice(purchasable), rng.choice((1, 1, 1, 2))) for _ in range(rng.choice((1, 1, 2, 3)))]
            subtotal = sum(quantity * (product.regular_price_minor or 0) for product, quantity in basket)
            shipping = 0 if subtotal >= 75 * unit else 5 * unit
            cancelled = rng.random() < CANCELLED_SHARE
            customer = rng.choice(customers)
            visitor = f"v-{rng.getrandbits(64):016x}"
            orders.append(
                WooOrder(
                    site=site,
                    number="",
                    status=WooOrderStatus.CANCELLED if cancelled else rng.choice(PAID_STATUSES),
                    currency=site.currency,
                    customer=customer,
                    billing_email=customer.email,
                    shipping_total_minor=shipping,
                    total_minor=subtotal + shipping,
                    meta_data=attribution_meta(attribution=_attribution(rng, purchasable, site), visitor_id=visitor),
                    date_created_gmt=placed,
                    date_modified_gmt=placed,
                    date_paid_gmt=None if cancelled else placed,
                )
            )
            baskets.append(basket)
    WooOrder.objects.bulk_create(orders)
    for order in orders:
        order.number = str(order.pk)
    WooOrder.objects.bulk_update(orders, ["number"])
    lines = [
        WooOrderLine(
            order=order,
            product=product.parent or product,
            variation=product if product.parent_id else None,
            name=f"{product.parent.name} - {product.name}" if product.parent else product.name,
            sku=product.sku,
            quantity=quantity,
            price_minor=product.regular_price_minor or 0,
            subtotal_minor=quantity * (product.regular_price_minor or 0),
            total_minor=quantity * (product.regular_price_minor or 0),
        )
        for order, basket in zip(orders, baskets, strict=True)
        for product, quantity in basket
    ]
    WooOrderLine.objects.bulk_create(lines)
    refunds = []
    refunded_orders = []
    for order in orders:
        if order.status != WooOrderStatus.CANCELLED and rng.random() < REFUND_SHARE:
            refunded_at = min(now, order.date_created_gmt + dt.timedelta(days=rng.randrange(1, 10)))
            refunds.append(
                WooRefund(order=order, amount_minor=order.total_minor, reason="Returned", date_created_gmt=refunded_at)
            )
            order.status = WooOrderStatus.REFUNDED
            order.date_modified_gmt = refunded_at
            refunded_orders.append(order)
    WooRefund.objects.bulk_create(refunds)
    WooOrder.objects.bulk_update(refunded_orders, ["status", "date_modified_gmt"])
    return SeedSummary(
        products=products,
        variations=len([p for p in purchasable if p.parent_id]),
        customers=len(customers),
        orders=len(orders),
        refunds=len(refunds),
    )


def sandbox_woo_orders_arrive(*, handle: str, count: int, now: dt.datetime | None = None) -> list[WooOrder]:
    """Place ``count`` new orders at the site (random baskets of its in-stock products, attribution as in the
    seed), each in its own transaction and delivered to the ``order.created`` webhooks. Raises ValueError when
    the site has nothing to sell or ``count`` is outside 1–1000."""
    if not 1 <= count <= 1000:
        raise ValueError("count must be between 1 and 1000.")
    site = WooSite.objects.get(handle=handle)
    purchasable = list(
        WooProduct.objects.select_related("parent")
        .filter(site=site, regular_price_minor__isnull=False, status="publish")
        .exclude(type=WooProductType.VARIABLE)
        .order_by("id")
    )
    if not purchasable:
        raise ValueError(f"{handle} has no product to sell.")
    rng = random.Random(f"{handle}-{WooOrder.objects.filter(site=site).count()}")
    placed: list[WooOrder] = []
    for _ in range(count):
        basket = rng.sample(purchasable, k=min(len(purchasable), rng.choice((1, 1, 2))))
        number = rng.randrange(1, 100000)
        placed.append(
            sandbox_woo_order_place(
                handle=handle,
                lines=[OrderLineSpec(product_id=product.pk, quantity=rng.choice((1, 1, 2))) for product in basket],
                email=f"shopper{number}@{handle}.example",
                customer_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                attribution=_attribution(rng, purchasable, site),
                visitor_id=f"v-{rng.getrandbits(64):016x}",
                now=now,
            )
        )
    return placed
