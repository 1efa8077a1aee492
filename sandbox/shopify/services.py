"""Changes to the sandbox Shopify shops: a shop, orders placed, refunds, product edits, the app uninstalled. Amounts
are minor units of the shop's currency.

Each change is one transaction; its webhooks (orders/create and orders/paid for an order, refunds/create and
orders/updated for a refund, inventory_levels/update for each variant whose stock moved, products/update for an edit,
app/uninstalled) are queued for delivery once it commits, so a rolled-back change sends nothing.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Prefetch

from platforms.constants import SHOPIFY
from sandbox.models import (
    AccountKind,
    SandboxAccount,
    SandboxApp,
    SandboxToken,
    ShopifyCustomer,
    ShopifyFinancialStatus,
    ShopifyOrder,
    ShopifyOrderLine,
    ShopifyProduct,
    ShopifyProductStatus,
    ShopifyRefund,
    ShopifyRefundLine,
    ShopifyShop,
    ShopifyVariant,
    ShopifyWebhookSubscription,
)
from sandbox.shopify.rest import inventory_level_json, order_json, product_json, refund_json, shop_json
from sandbox.shopify.webhooks import deliveries_queue

MAX_LINES = 100
MAX_QUANTITY = 1000
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 100
MAX_TEXT_LENGTH = 255
MAX_URL_LENGTH = 2000


class ShopifyChangeInvalid(ValueError):
    """The order, refund or product edit cannot be made as asked; nothing was changed."""


@transaction.atomic
def sandbox_shopify_shop_ensure(
    *, domain: str, name: str = "", currency: str = "USD", iana_timezone: str = "America/New_York"
) -> ShopifyShop:
    """The shop at ``domain`` (``<handle>.myshopify.com``), created with these settings when it does not exist."""
    shop = ShopifyShop.objects.filter(domain=domain).first()
    if shop is not None:
        return shop
    handle = domain.split(".", 1)[0]
    title = name or handle.replace("-", " ").title()
    account, _ = SandboxAccount.objects.get_or_create(
        platform=SHOPIFY,
        external_id=domain,
        defaults={"kind": AccountKind.USER, "name": title, "username": handle, "currency": currency.upper()},
    )
    return ShopifyShop.objects.create(
        domain=domain,
        name=title,
        currency=currency.upper(),
        iana_timezone=iana_timezone,
        primary_domain=f"https://{handle}.example",
        account=account,
    )


@dataclass(frozen=True)
class LineSpec:
    variant_id: int
    quantity: int = 1
    discount_minor: int = 0


@dataclass(frozen=True)
class Journey:
    """Where the buyer came from: the landing page (with its utm query), the referrer and the visit's source."""

    landing_page: str = ""
    referrer_url: str = ""
    source: str = ""
    utm: dict[str, str] = field(default_factory=dict)


def _order_loaded(order_id: int) -> ShopifyOrder:
    return (
        ShopifyOrder.objects.select_related("customer", "shop")
        .prefetch_related("lines", Prefetch("refunds", queryset=ShopifyRefund.objects.prefetch_related("lines")))
        .get(pk=order_id)
    )


def _stock_changed(shop: ShopifyShop, variants: list[ShopifyVariant], moment: dt.datetime) -> None:
    for variant in {v.pk: v for v in variants if v.tracked}.values():
        deliveries_queue(
            shop=shop, topic="INVENTORY_LEVELS_UPDATE", payload=inventory_level_json(variant, shop, moment)
        )


def sandbox_shopify_order_place(
    *,
    shop: ShopifyShop,
    email: str,
    lines: list[LineSpec],
    first_name: str = "",
    last_name: str = "",
    discount_codes: tuple[str, ...] = (),
    shipping_minor: int = 0,
    tax_rate: float = 0.0,
    journey: Journey | None = None,
    attributes: dict[str, str] | None = None,
    now: dt.datetime | None = None,
) -> ShopifyOrder:
    """Place a paid order now: stock goes down, the customer is found or created, webhooks are queued.

    Raises ShopifyChangeInvalid (and changes nothing) for no lines, too many, a quantity out of 1..1000, a variant of
    another shop, a discount larger than its line, a negative shipping amount or tax rate, or a text over its length."""
    if not lines or len(lines) > MAX_LINES:
        raise ShopifyChangeInvalid(f"An order has 1 to {MAX_LINES} lines.")
    if shipping_minor < 0 or not 0 <= tax_rate <= 1:
        raise ShopifyChangeInvalid("Shipping cannot be negative and the tax rate is between 0 and 1.")
    email = email.strip().lower()
    if "@" not in email or len(email) > MAX_EMAIL_LENGTH or max(len(first_name), len(last_name)) > MAX_NAME_LENGTH:
        raise ShopifyChangeInvalid(
            f"The buyer needs an email of at most {MAX_EMAIL_LENGTH} characters and names of {MAX_NAME_LENGTH}."
        )
    texts = [*discount_codes, *(attributes or {}).keys(), *(attributes or {}).values()]
    if len(discount_codes) > MAX_LINES or any(len(text) > MAX_TEXT_LENGTH for text in texts):
        raise ShopifyChangeInvalid(f"Discount codes and cart attributes are at most {MAX_TEXT_LENGTH} characters.")
    journey = journey or Journey()
    if max(len(journey.landing_page), len(journey.referrer_url)) > MAX_URL_LENGTH or len(journey.source) > 100:
        raise ShopifyChangeInvalid(f"The landing page and referrer are at most {MAX_URL_LENGTH} characters.")
    moment = now or dt.datetime.now(dt.UTC)
    with transaction.atomic():
        variants = ShopifyVariant.objects.select_for_update().select_related("product").filter(product__shop=shop)
        by_id = {v.pk: v for v in variants.filter(pk__in=[spec.variant_id for spec in lines])}
        customer, _ = ShopifyCustomer.objects.get_or_create(
            shop=shop,
            email=email,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "created_at": moment,
                "updated_at": moment,
            },
        )
        rows, subtotal, discounts = [], 0, 0
        for spec in lines:
            variant = by_id.get(spec.variant_id)
            if variant is None:
                raise ShopifyChangeInvalid(f"Variant {spec.variant_id} is not one of this shop's.")
            if not 1 <= spec.quantity <= MAX_QUANTITY:
                raise ShopifyChangeInvalid(f"A quantity is between 1 and {MAX_QUANTITY}.")
            line_total = variant.price_minor * spec.quantity
            if not 0 <= spec.discount_minor <= line_total:
                raise ShopifyChangeInvalid("A line's discount is between 0 and its total.")
            subtotal += line_total - spec.discount_minor
            discounts += spec.discount_minor
            if variant.tracked:
                variant.inventory_quantity -= spec.quantity
                variant.save(update_fields=["inventory_quantity"])
            title = (
                variant.product.title
                if variant.title == "Default Title"
                else f"{variant.product.title} - {variant.title}"
            )
            rows.append((variant, spec, title))
        tax = round(subtotal * tax_rate)
        number = (ShopifyOrder.objects.filter(shop=shop).aggregate(top=Max("number"))["top"] or 1000) + 1
        order = ShopifyOrder.objects.create(
            shop=shop,
            number=number,
            customer=customer,
            currency=shop.currency,
            financial_status=ShopifyFinancialStatus.PAID,
            subtotal_minor=subtotal,
            total_discounts_minor=discounts,
            shipping_minor=shipping_minor,
            tax_minor=tax,
            total_minor=subtotal + shipping_minor + tax,
            discount_codes=list(discount_codes),
            custom_attributes=[{"key": key, "value": value} for key, value in (attributes or {}).items()],
            landing_page=journey.landing_page,
            referrer_url=journey.referrer_url,
            visit_source=journey.source,
            utm=dict(journey.utm),
            created_at=moment,
            processed_at=moment,
            updated_at=moment,
        )
        ShopifyOrderLine.objects.bulk_create(
            ShopifyOrderLine(
                order=order,
                variant=variant,
                product=variant.product,
                name=title[:MAX_TEXT_LENGTH],
                sku=variant.sku,
                quantity=spec.quantity,
                unit_price_minor=variant.price_minor,
                discount_minor=spec.discount_minor,
            )
            for variant, spec, title in rows
        )
        loaded = _order_loaded(order.pk)
        payload = order_json(loaded, shop)
        deliveries_queue(shop=shop, topic="ORDERS_CREATE", payload=payload)
        deliveries_queue(shop=shop, topic="ORDERS_PAID", payload=payload)
        _stock_changed(shop, [variant for variant, _, _ in rows], moment)
    return loaded


def sandbox_shopify_order_refund(
    *, order: ShopifyOrder, lines: dict[int, int], note: str = "", now: dt.datetime | None = None
) -> ShopifyRefund:
    """Refund ``lines`` (line id → quantity) of ``order``: the money of those units back, the stock restocked.

    Raises ShopifyChangeInvalid (nothing changed) for no lines, a line of another order, or more units than remain."""
    if not lines or len(note) > MAX_TEXT_LENGTH:
        raise ShopifyChangeInvalid(
            f"A refund names at least one line; its note is at most {MAX_TEXT_LENGTH} characters."
        )
    moment = now or dt.datetime.now(dt.UTC)
    with transaction.atomic():
        locked = ShopifyOrder.objects.select_for_update().select_related("shop").get(pk=order.pk)
        order_lines = {
            line.pk: line for line in locked.lines.prefetch_related("refund_lines").select_related("variant")
        }
        refund = ShopifyRefund.objects.create(order=locked, note=note, amount_minor=0, created_at=moment)
        total, restocked = 0, []
        for line_id, quantity in lines.items():
            line = order_lines.get(line_id)
            if line is None:
                raise ShopifyChangeInvalid(f"Line {line_id} is not one of order #{locked.number}.")
            remaining = line.quantity - sum(r.quantity for r in line.refund_lines.all())
            if not 1 <= quantity <= remaining:
                raise ShopifyChangeInvalid(f"Line {line_id} has {remaining} units left to refund.")
            unit_paid = (line.unit_price_minor * line.quantity - line.discount_minor) // line.quantity
            ShopifyRefundLine.objects.create(
                refund=refund, line=line, quantity=quantity, subtotal_minor=unit_paid * quantity
            )
            total += unit_paid * quantity
            if line.variant and line.variant.tracked:
                line.variant.inventory_quantity += quantity
                line.variant.save(update_fields=["inventory_quantity"])
                restocked.append(line.variant)
        refund.amount_minor = total
        refund.save(update_fields=["amount_minor"])
        refunded = sum(r.amount_minor for r in locked.refunds.all())
        locked.financial_status = (
            ShopifyFinancialStatus.REFUNDED
            if refunded >= locked.total_minor
            else ShopifyFinancialStatus.PARTIALLY_REFUNDED
        )
        locked.updated_at = moment
        locked.save(update_fields=["financial_status", "updated_at"])
        loaded = _order_loaded(locked.pk)
        refund_loaded = next(r for r in loaded.refunds.all() if r.pk == refund.pk)
        deliveries_queue(shop=locked.shop, topic="REFUNDS_CREATE", payload=refund_json(refund_loaded, locked.shop))
        deliveries_queue(shop=locked.shop, topic="ORDERS_UPDATED", payload=order_json(loaded, locked.shop))
        _stock_changed(locked.shop, restocked, moment)
    return refund_loaded


@transaction.atomic
def sandbox_shopify_app_uninstall(*, shop: ShopifyShop, app: SandboxApp) -> int:
    """The merchant removes ``app`` from the shop: its tokens stop working, its subscriptions are removed, and
    app/uninstalled is queued to the subscriptions of that topic (kept, so the delivery and its retries have them).
    Returns how many tokens were revoked."""
    now = dt.datetime.now(dt.UTC)
    revoked = SandboxToken.objects.filter(app=app, account=shop.account, revoked_at__isnull=True).update(revoked_at=now)
    subscriptions = ShopifyWebhookSubscription.objects.filter(shop=shop, app=app)
    subscriptions.exclude(topic="APP_UNINSTALLED").delete()
    deliveries_queue(shop=shop, topic="APP_UNINSTALLED", payload=shop_json(shop), app=app)
    return revoked


def sandbox_shopify_product_update(
    *,
    product: ShopifyProduct,
    title: str | None = None,
    status: str | None = None,
    prices: dict[int, int] | None = None,
    now: dt.datetime | None = None,
) -> ShopifyProduct:
    """Edit a product as the merchant would in the Shopify admin (title, status, variant prices in minor units) and
    queue products/update. Raises ShopifyChangeInvalid (nothing changed) for an empty or overlong title, an unknown
    status, a variant of another product or a negative price."""
    if title is not None and not 0 < len(title.strip()) <= MAX_TEXT_LENGTH:
        raise ShopifyChangeInvalid(f"A product title is 1 to {MAX_TEXT_LENGTH} characters.")
    if status is not None and status not in ShopifyProductStatus.values:
        raise ShopifyChangeInvalid(f"A product status is one of {', '.join(ShopifyProductStatus.values)}.")
    moment = now or dt.datetime.now(dt.UTC)
    with transaction.atomic():
        locked = ShopifyProduct.objects.select_for_update().select_related("shop").get(pk=product.pk)
        variants = {variant.pk: variant for variant in locked.variants.all()}
        for variant_id, price in (prices or {}).items():
            if variant_id not in variants or price < 0:
                raise ShopifyChangeInvalid(
                    f"Variant {variant_id} is not one of {locked.title}'s, or its price is negative."
                )
            variants[variant_id].price_minor = price
            variants[variant_id].save(update_fields=["price_minor"])
        locked.title = title.strip() if title is not None else locked.title
        locked.status = status or locked.status
        locked.updated_at = moment
        locked.save(update_fields=["title", "status", "updated_at"])
        loaded = ShopifyProduct.objects.prefetch_related("variants").get(pk=locked.pk)
        deliveries_queue(shop=locked.shop, topic="PRODUCTS_UPDATE", payload=product_json(loaded, locked.shop))
    return loaded
