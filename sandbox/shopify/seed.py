"""A sandbox Shopify shop's history and its shoppers arriving: catalogue, customers, orders, refunds.

``sandbox_shopify_seed`` writes a deterministic history in a few bulk inserts and queues no webhook (it is the past,
which the hub backfills with a bulk operation); ``sandbox_shopify_order_arrive`` places one order now through
``sandbox_shopify_order_place``, so it is delivered to the orders/create subscriptions, as the demo needs.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from platforms.constants import currency_exponent
from sandbox.models import (
    ShopifyCustomer,
    ShopifyEmailMarketingState,
    ShopifyFinancialStatus,
    ShopifyOrder,
    ShopifyOrderLine,
    ShopifyProduct,
    ShopifyRefund,
    ShopifyRefundLine,
    ShopifyShop,
    ShopifyVariant,
)
from sandbox.shopify.services import Journey, LineSpec, sandbox_shopify_order_place, sandbox_shopify_shop_ensure
from sandbox.woocommerce.seed import CHANNELS, COLOURS, FIRST_NAMES, LAST_NAMES, PRODUCT_KINDS, SIZES

DEMO_SHOP = "growthhub-demo.myshopify.com"
REFUND_SHARE = 0.05
CANCELLED_SHARE = 0.02
DISCOUNT_SHARE = 0.15
DISCOUNT_CODES = ("WELCOME10", "SPRING15", "TIKTOK20")
TAX_RATE = 0.08
MAX_ORDERS_PER_DAY = 3000
# Orders are drawn and written this many days at a time, so a history of a million orders is never held whole.
SEED_CHUNK_DAYS = 30
WRITE_BATCH = 5000


@dataclass(frozen=True)
class SeedSummary:
    products: int
    variants: int
    customers: int
    orders: int
    refunds: int


def _catalogue(shop: ShopifyShop, rng: random.Random, count: int, start: dt.datetime) -> list[ShopifyVariant]:
    """``count`` products, every third one in three sizes; returns every variant with its product."""
    unit = 10 ** currency_exponent(shop.currency)
    # Product images are the sandbox's own (a browser showing the catalogue needs no internet).
    media_base = f"{settings.SANDBOX_BASE_URL.rstrip('/')}/media"
    products = []
    for index in range(count):
        base, category = PRODUCT_KINDS[index % len(PRODUCT_KINDS)]
        title = f"{COLOURS[index % len(COLOURS)]} {base}" + (
            f" {index // len(PRODUCT_KINDS) + 1}" if index >= 8 else ""
        )
        created = start - dt.timedelta(days=rng.randrange(1, 30))
        products.append(
            ShopifyProduct(
                shop=shop,
                title=title,
                handle=slugify(title),
                product_type=category,
                tags=[category.lower(), COLOURS[index % len(COLOURS)].lower()],
                description=f"The {title.lower()}, made to last.",
                image_url=f"{media_base}/{slugify(title)}-800x800.jpg",
                created_at=created,
                updated_at=created,
            )
        )
    ShopifyProduct.objects.bulk_create(products)
    variants = []
    for index, product in enumerate(products):
        price = rng.randrange(12, 120) * unit - (unit // 100 if unit > 1 else 0)
        sizes = SIZES if index % 3 == 2 else ("Default Title",)
        for position, size in enumerate(sizes, start=1):
            variants.append(
                ShopifyVariant(
                    product=product,
                    title=size,
                    sku=f"GH-{index + 1:04d}" + ("" if size == "Default Title" else f"-{size}"),
                    position=position,
                    price_minor=price,
                    compare_at_price_minor=price * 5 // 4 if rng.random() < 0.2 else None,
                    inventory_quantity=rng.randrange(20, 400),
                    unit_cost_minor=price * rng.randrange(25, 55) // 100,
                )
            )
    ShopifyVariant.objects.bulk_create(variants)
    return variants


def _journey(rng: random.Random, product: ShopifyProduct, shop: ShopifyShop) -> Journey:
    _, source_type, source, medium, referrer = rng.choices(CHANNELS, weights=[c[0] for c in CHANNELS])[0]
    base = shop.primary_domain or f"https://{shop.domain}"
    if source_type == "typein":
        return Journey(landing_page=f"{base}/", source="direct")
    campaign = f"{product.handle}-{medium}"
    utm = {"source": source, "medium": medium, "campaign": campaign, "content": f"{source}-{rng.randrange(1, 6)}"}
    landing = f"{base}/products/{product.handle}?utm_source={source}&utm_medium={medium}&utm_campaign={campaign}"
    return Journey(landing_page=landing, referrer_url=referrer, source=source.title(), utm=utm)


@dataclass(frozen=True)
class _Placed:
    """What the refund pass needs of an order written earlier: its first line and what was paid for it."""

    pk: int
    created_at: dt.datetime
    cancelled_at: dt.datetime | None
    line_pk: int
    quantity: int
    paid: int


def _order(rng, shop, basket, customers, number: int, placed: dt.datetime, unit: int) -> ShopifyOrder:
    """One order of ``basket`` (variant, quantity) pairs, its discount, shipping, tax, journey and buyer drawn."""
    gross = sum(quantity * variant.price_minor for variant, quantity in basket)
    coded = rng.random() < DISCOUNT_SHARE
    discount = gross // 10 if coded else 0
    shipping = 0 if gross >= 75 * unit else 5 * unit
    tax = round((gross - discount) * TAX_RATE)
    cancelled = rng.random() < CANCELLED_SHARE
    journey = _journey(rng, basket[0][0].product, shop)
    return ShopifyOrder(
        shop=shop,
        number=number,
        customer=rng.choice(customers),
        currency=shop.currency,
        financial_status=ShopifyFinancialStatus.VOIDED if cancelled else ShopifyFinancialStatus.PAID,
        subtotal_minor=gross - discount,
        total_discounts_minor=discount,
        shipping_minor=shipping,
        tax_minor=tax,
        total_minor=gross - discount + shipping + tax,
        discount_codes=[rng.choice(DISCOUNT_CODES)] if coded else [],
        custom_attributes=[{"key": "_gh_visitor", "value": f"v-{rng.getrandbits(64):016x}"}],
        landing_page=journey.landing_page,
        referrer_url=journey.referrer_url,
        visit_source=journey.source,
        utm=journey.utm,
        created_at=placed,
        processed_at=placed,
        updated_at=placed,
        cancelled_at=placed + dt.timedelta(hours=2) if cancelled else None,
    )


def _orders_write(orders: list[ShopifyOrder], baskets: list[list]) -> list[_Placed]:
    """Insert a chunk of orders and their lines (each line's share of the order's discount); what the refund pass
    needs of each order, so the chunk's rows need not stay in memory."""
    ShopifyOrder.objects.bulk_create(orders, batch_size=WRITE_BATCH)
    lines = []
    for order, basket in zip(orders, baskets, strict=True):
        gross = sum(quantity * variant.price_minor for variant, quantity in basket)
        for variant, quantity in basket:
            title = variant.product.title
            lines.append(
                ShopifyOrderLine(
                    order=order,
                    variant=variant,
                    product=variant.product,
                    name=title if variant.title == "Default Title" else f"{title} - {variant.title}",
                    sku=variant.sku,
                    quantity=quantity,
                    unit_price_minor=variant.price_minor,
                    discount_minor=order.total_discounts_minor * variant.price_minor * quantity // gross
                    if gross
                    else 0,
                )
            )
    ShopifyOrderLine.objects.bulk_create(lines, batch_size=WRITE_BATCH)
    first_line = {}
    for line in lines:
        first_line.setdefault(line.order_id, line)
    return [
        _Placed(
            pk=order.pk,
            created_at=order.created_at,
            cancelled_at=order.cancelled_at,
            line_pk=first_line[order.pk].pk,
            quantity=first_line[order.pk].quantity,
            paid=first_line[order.pk].unit_price_minor * first_line[order.pk].quantity
            - first_line[order.pk].discount_minor,
        )
        for order in orders
    ]


@transaction.atomic
def sandbox_shopify_seed(
    *, domain: str = DEMO_SHOP, products: int, days: int, orders_per_day: int, seed: int, now: dt.datetime | None = None
) -> SeedSummary:
    """Replace the shop's catalogue, customers and orders with a deterministic history of ``days`` days ending at
    ``now``. Subscriptions, tokens and bulk operations are kept; no webhook is queued. The same arguments give the
    same data (ids aside). Raises ValueError when a count is out of bounds."""
    if not (1 <= products <= 500 and 1 <= days <= 730 and 0 <= orders_per_day <= MAX_ORDERS_PER_DAY):
        raise ValueError(f"products 1–500, days 1–730 and orders_per_day 0–{MAX_ORDERS_PER_DAY} are the bounds.")
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    start = now - dt.timedelta(days=days)
    rng = random.Random(seed)
    shop = sandbox_shopify_shop_ensure(domain=domain, name="Growth Hub Demo" if domain == DEMO_SHOP else "")
    ShopifyOrder.objects.filter(shop=shop).delete()
    ShopifyCustomer.objects.filter(shop=shop).delete()
    ShopifyProduct.objects.filter(shop=shop).delete()
    variants = _catalogue(shop, rng, products, start)
    customers = [
        ShopifyCustomer(
            shop=shop,
            email=f"shopper{n}@{domain.split('.', 1)[0]}.example",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            marketing_state=rng.choice(
                (ShopifyEmailMarketingState.SUBSCRIBED, ShopifyEmailMarketingState.NOT_SUBSCRIBED)
            ),
            created_at=start,
            updated_at=start,
        )
        for n in range(1, max(1, days * orders_per_day // 3) + 1)
    ]
    ShopifyCustomer.objects.bulk_create(customers)
    unit = 10 ** currency_exponent(shop.currency)
    placed: list[_Placed] = []
    for first_day in range(0, days, SEED_CHUNK_DAYS):
        orders, baskets = [], []
        for day in range(first_day, min(days, first_day + SEED_CHUNK_DAYS)):
            for _ in range(max(0, round(rng.gauss(orders_per_day, orders_per_day**0.5)))):
                placed_at = start + dt.timedelta(days=day, seconds=rng.randrange(86400))
                basket = [(rng.choice(variants), rng.choice((1, 1, 1, 2))) for _ in range(rng.choice((1, 1, 2, 3)))]
                orders.append(_order(rng, shop, basket, customers, 1001 + len(placed) + len(orders), placed_at, unit))
                baskets.append(basket)
        placed.extend(_orders_write(orders, baskets))
    refunds, refunded = [], []
    for order in placed:
        if order.cancelled_at is None and rng.random() < REFUND_SHARE:
            refunded_at = min(now, order.created_at + dt.timedelta(days=rng.randrange(1, 10)))
            refunds.append(
                (
                    ShopifyRefund(order_id=order.pk, note="Returned", amount_minor=order.paid, created_at=refunded_at),
                    order,
                )
            )
            refunded.append(
                ShopifyOrder(
                    pk=order.pk, financial_status=ShopifyFinancialStatus.PARTIALLY_REFUNDED, updated_at=refunded_at
                )
            )
    ShopifyRefund.objects.bulk_create([refund for refund, _ in refunds], batch_size=WRITE_BATCH)
    ShopifyRefundLine.objects.bulk_create(
        (
            ShopifyRefundLine(
                refund=refund, line_id=order.line_pk, quantity=order.quantity, subtotal_minor=refund.amount_minor
            )
            for refund, order in refunds
        ),
        batch_size=WRITE_BATCH,
    )
    ShopifyOrder.objects.bulk_update(refunded, ["financial_status", "updated_at"], batch_size=WRITE_BATCH)
    return SeedSummary(
        products=products, variants=len(variants), customers=len(customers), orders=len(placed), refunds=len(refunds)
    )


def sandbox_shopify_order_arrive(*, domain: str = DEMO_SHOP, now: dt.datetime | None = None) -> ShopifyOrder:
    """Place one new order at the shop now (a random basket of its active products, a journey as in the seed), queued
    to the orders/create and orders/paid subscriptions. Raises ValueError when the shop has nothing to sell."""
    shop = ShopifyShop.objects.get(domain=domain)
    variants = list(
        ShopifyVariant.objects.select_related("product")
        .filter(product__shop=shop, product__status="ACTIVE")
        .order_by("pk")
    )
    if not variants:
        raise ValueError(f"{domain} has no product to sell.")
    rng = random.Random(f"{domain}-{ShopifyOrder.objects.filter(shop=shop).count()}")
    basket = rng.sample(variants, k=min(len(variants), rng.choice((1, 1, 2))))
    unit = 10 ** currency_exponent(shop.currency)
    gross = sum(variant.price_minor for variant in basket)
    return sandbox_shopify_order_place(
        shop=shop,
        email=f"shopper{rng.randrange(1, 100000)}@{domain.split('.', 1)[0]}.example",
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        lines=[LineSpec(variant_id=variant.pk, quantity=1) for variant in basket],
        shipping_minor=0 if gross >= 75 * unit else 5 * unit,
        tax_rate=TAX_RATE,
        journey=_journey(rng, basket[0].product, shop),
        attributes={"_gh_visitor": f"v-{rng.getrandbits(64):016x}"},
        now=now,
    )
