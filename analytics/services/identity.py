"""Identity: which visitors (browsers) are which customer.

A visitor is joined to a customer by what the store tells us, never by guessing from IP or user agent:

1. an order carries the visitor id the storefront wrote to its cart (``Order.visitor_id``): that visitor is the
   order's customer;
2. a ``checkout`` touchpoint names an order (by its platform id or its name, e.g. ``#1001``): the visitor that sent
   it is that order's customer;
3. across devices: every visitor joined to a customer belongs to that customer's journeys (the journey builder
   reads the visitors of a customer).

A visitor keeps the first customer it was joined to (a shared computer does not flip between buyers), so running
the stitch again changes nothing. What is learned is written to ``Visitor.customer`` (a missing ``Visitor`` row is
made from its touchpoints or order) and to ``Touchpoint.customer`` of that visitor's touchpoints.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Min, OuterRef, Q, Subquery

from analytics.models import TouchKind, Touchpoint, Visitor
from stores.models import Order, Store


@dataclass(frozen=True)
class StitchResult:
    visitors_joined: int  # visitors given a customer now
    touchpoints_joined: int  # touchpoints given a customer now
    customers: frozenset[int]  # the customers who gained a visitor (their journeys change)


def _checkout_links(*, store: Store, visitor_ids: set[str] | None, order_ids: set[int] | None) -> dict[str, int]:
    """visitor id → customer pk, from checkout touchpoints that name an order with a customer; the earliest
    checkout wins. Limited to those visitors' checkouts and those orders' checkouts (both None: the store's)."""
    checkouts = Touchpoint.objects.filter(store=store, kind=TouchKind.CHECKOUT).exclude(order_external_id="")
    if visitor_ids is not None or order_ids is not None:
        names: list[str] = []
        for external_id, name in Order.objects.filter(store=store, pk__in=order_ids or ()).values_list(
            "external_id", "name"
        ):
            names += [external_id, name] if name else [external_id]
        checkouts = checkouts.filter(Q(visitor_id__in=visitor_ids or ()) | Q(order_external_id__in=names))
    named = list(checkouts.exclude(visitor_id="").values_list("visitor_id", "order_external_id", "occurred_at"))
    wanted = {order_name for _, order_name, _ in named}
    pairs = list(
        Order.objects.filter(store=store, customer__isnull=False)
        .filter(Q(external_id__in=wanted) | Q(name__in=wanted))
        .values_list("external_id", "name", "customer_id")
    )
    customer_of: dict[str, int] = {external_id: customer for external_id, _, customer in pairs if customer is not None}
    for _, name, customer in pairs:
        if name and customer is not None:
            customer_of.setdefault(name, customer)
    links: dict[str, int] = {}
    for visitor_id, order_name, _ in sorted(named, key=lambda row: row[2]):
        if (joined := customer_of.get(order_name)) is not None:
            links.setdefault(visitor_id, joined)
    return links


@transaction.atomic
def visitors_stitch(
    *, store: Store, order_ids: Iterable[int] | None = None, visitor_ids: Iterable[str] | None = None
) -> StitchResult:
    """Join visitors to customers by rules 1 and 2 above, for the given orders and visitors (both None: the whole
    store). Idempotent; a fixed number of queries whatever the number of orders and visitors."""
    order_set = None if order_ids is None else set(order_ids)
    visitor_set = None if visitor_ids is None else {v for v in visitor_ids if v}
    links: dict[str, int] = {}
    orders = Order.objects.filter(store=store, customer__isnull=False).exclude(visitor_id="")
    if order_set is not None or visitor_set is not None:
        match = Q(pk__in=order_set or ()) | Q(visitor_id__in=visitor_set or ())
        orders = orders.filter(match)
    for visitor_id, customer_id in orders.order_by("created_at", "pk").values_list("visitor_id", "customer_id"):
        links.setdefault(visitor_id, customer_id)
    for visitor_id, customer_id in _checkout_links(store=store, visitor_ids=visitor_set, order_ids=order_set).items():
        links.setdefault(visitor_id, customer_id)
    if not links:
        return StitchResult(0, 0, frozenset())
    _visitors_ensure(store=store, visitor_ids=set(links))
    unjoined = dict(
        Visitor.objects.filter(store=store, visitor_id__in=list(links), customer__isnull=True).values_list(
            "visitor_id", "pk"
        )
    )
    by_customer: dict[int, list[int]] = {}
    for visitor_id, pk in unjoined.items():
        by_customer.setdefault(links[visitor_id], []).append(pk)
    Visitor.objects.bulk_update(
        [Visitor(pk=pk, customer_id=links[visitor_id]) for visitor_id, pk in unjoined.items()],
        ["customer"],
        batch_size=1000,
    )
    joined_visitors = len(unjoined)
    # Touchpoints follow their visitor's customer (the one it kept, which may be an earlier one): one UPDATE.
    kept_customer = Visitor.objects.filter(store=store, visitor_id=OuterRef("visitor_id")).values("customer_id")[:1]
    joined_touchpoints = Touchpoint.objects.filter(
        store=store, visitor_id__in=list(links), customer__isnull=True
    ).update(customer_id=Subquery(kept_customer))
    return StitchResult(joined_visitors, joined_touchpoints, frozenset(by_customer))


def _visitors_ensure(*, store: Store, visitor_ids: set[str]) -> None:
    """Make the Visitor rows missing for ``visitor_ids``, first and last seen from their touchpoints (else their
    orders)."""
    have = set(
        Visitor.objects.filter(store=store, visitor_id__in=list(visitor_ids)).values_list("visitor_id", flat=True)
    )
    missing = visitor_ids - have
    if not missing:
        return
    seen: dict[str, tuple[dt.datetime, dt.datetime]] = {
        row["visitor_id"]: (row["first"], row["last"])
        for row in Touchpoint.objects.filter(store=store, visitor_id__in=list(missing))
        .values("visitor_id")
        .annotate(first=Min("occurred_at"), last=Max("occurred_at"))
    }
    for row in (
        Order.objects.filter(store=store, visitor_id__in=list(missing - set(seen)))
        .values("visitor_id")
        .annotate(first=Min("created_at"), last=Max("created_at"))
    ):
        seen[row["visitor_id"]] = (row["first"], row["last"])
    Visitor.objects.bulk_create(
        [
            Visitor(store=store, visitor_id=visitor_id, first_seen_at=first, last_seen_at=last)
            for visitor_id, (first, last) in seen.items()
        ],
        ignore_conflicts=True,
    )
