"""The store platforms' privacy asks: erase a customer, erase a shop's data, export what is held about a customer.

Shopify sends them as mandatory compliance webhooks (customers/redact, shop/redact, customers/data_request); each is
one transaction. Money stays on erased orders (the store's books need it); what could identify the person goes.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from stores.hooks import customer_erased, shop_erased
from stores.models import (
    Customer,
    CustomerDataRequest,
    Order,
    PlatformConnection,
    Product,
    Refund,
    Store,
    StoreSync,
)


def _customer_orders(*, store: Store, customer: Customer | None, order_external_ids: Iterable[str]) -> Q:
    match = Q(external_id__in=list(order_external_ids))
    if customer is not None:
        match |= Q(customer=customer)
    return Q(store=store) & match


@transaction.atomic
def customer_redact(
    *, store: Store, customer_external_id: str, order_external_ids: Iterable[str] = (), now: dt.datetime | None = None
) -> int:
    """Erase a customer: blank their e-mail and name (for good: a later sync does not refill them), and on their
    orders the attributes, visitor id, landing page and referrer that could identify them. Amounts, dates, lines and
    UTM words stay. Returns how many orders were erased."""
    now = now or timezone.now()
    customer = Customer.objects.select_for_update().filter(store=store, external_id=customer_external_id).first()
    if customer is not None:
        customer.email, customer.name, customer.redacted_at = "", "", now
        customer.save(update_fields=["email", "name", "redacted_at"])
    orders = Order.objects.filter(
        _customer_orders(store=store, customer=customer, order_external_ids=order_external_ids)
    )
    visitor_ids = sorted(set(orders.exclude(visitor_id="").values_list("visitor_id", flat=True)))
    customer_erased(store=store, customer_id=None if customer is None else customer.pk, visitor_ids=visitor_ids)
    return orders.update(attributes={}, visitor_id="", landing_url="", referrer="", click_ids={})


@transaction.atomic
def shop_redact(*, store: Store, connection: PlatformConnection) -> dict[str, int]:
    """Erase what the store platform of ``connection`` sent: its orders (with lines and refunds), customers and
    products, and the connection's sync state; and the store's tracking data (``stores.hooks.shop_erased``:
    touchpoints, visitors, journeys). The merchant's own data (CSV, typed) stays. Returns the counts."""
    shop_erased(store=store)
    sourced = {
        "orders": Order.objects.filter(store=store, source=connection),
        "refunds": Refund.objects.filter(store=store, order__source=connection),
        "customers": Customer.objects.filter(store=store, source=connection),
        "products": Product.objects.filter(store=store, source=connection),
    }
    counts = {name: rows.count() for name, rows in sourced.items()}
    for name in ("orders", "customers", "products"):  # refunds go with their orders
        sourced[name].delete()
    StoreSync.objects.filter(connection=connection).delete()
    return counts


def customer_data_export(
    *, store: Store, customer_external_id: str, order_external_ids: Iterable[str]
) -> dict[str, Any]:
    """What the hub holds about one customer, as JSON-ready data."""
    customer = Customer.objects.filter(store=store, external_id=customer_external_id).first()
    orders = (
        Order.objects.filter(_customer_orders(store=store, customer=customer, order_external_ids=order_external_ids))
        .prefetch_related("lines")
        .order_by("created_at", "pk")
    )
    return {
        "customer": None
        if customer is None
        else {
            "external_id": customer.external_id,
            "email": customer.email,
            "name": customer.name,
            "accepts_marketing": customer.accepts_marketing,
            "created_at": customer.created_at.isoformat(),
        },
        "orders": [
            {
                "external_id": order.external_id,
                "name": order.name,
                "created_at": order.created_at.isoformat(),
                "currency": order.currency,
                "total_minor": order.total_minor,
                "refunded_minor": order.refunded_minor,
                "landing_url": order.landing_url,
                "referrer": order.referrer,
                "visitor_id": order.visitor_id,
                "attributes": order.attributes,
                "lines": [
                    {"title": line.title, "quantity": line.quantity, "unit_price_minor": line.unit_price_minor}
                    for line in order.lines.all()
                ],
            }
            for order in orders
        ],
    }


@transaction.atomic
def customer_data_request_record(
    *,
    store: Store,
    connection: PlatformConnection | None,
    customer_external_id: str,
    order_external_ids: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> CustomerDataRequest:
    """Record a customer's request for their data with the export the owner sends them (the hub has no channel to
    the customer itself)."""
    order_ids = [str(external_id)[:64] for external_id in order_external_ids]
    return CustomerDataRequest.objects.create(
        store=store,
        connection=connection,
        customer_external_id=customer_external_id[:64],
        order_external_ids=order_ids,
        received_at=now or timezone.now(),
        exported_data=customer_data_export(
            store=store, customer_external_id=customer_external_id, order_external_ids=order_ids
        ),
    )
