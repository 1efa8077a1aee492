"""Writing a store's order history in batches: the backfill of a store with a million orders.

``order_upsert`` writes one order in about a dozen queries, which is right for a webhook and far too slow for a
history. ``orders_ingest_batch`` writes a batch of records in one transaction and a fixed number of queries: the
orders the hub does not hold yet are created with their customers, lines (each with its unit cost at sale), discount
codes and refunds by bulk inserts; an order it already holds (a webhook got there first) goes through
``order_upsert``, which keeps the newer of the two. The rows are the same as ``order_upsert`` would write, so a
backfill run again, or a batch cut off by a crash and read again, leaves the same rows.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import cast

from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Field

from platforms import store_records as records
from stores.commerce.ingest import customer_fields_set, line_costs, order_check, order_fields_set, order_upsert
from stores.exceptions import ApplicationError
from stores.models import (
    Customer,
    Order,
    OrderDiscountCode,
    OrderLine,
    PlatformConnection,
    Refund,
    RefundLine,
    Store,
)

BATCH_SIZE = 1000
CUSTOMER_FIELDS = ["email", "name", "accepts_marketing", "created_at", "source", "source_updated_at"]


@dataclass
class BatchOutcome:
    written: int = 0
    refused: list[str] = field(default_factory=list)
    newest: dt.datetime | None = None  # the newest updated_at written, for the watermark


def batches(items: Iterable[records.OrderRecord], size: int = BATCH_SIZE) -> Iterator[list[records.OrderRecord]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _customers(
    *, store: Store, connection: PlatformConnection, wanted: list[records.CustomerRecord]
) -> dict[str, Customer]:
    """external id → customer for the batch's buyers: new ones inserted at once, known ones the record changes
    updated together, as ``customer_upsert`` would one by one (an erased customer stays erased, an older or
    identical record changes nothing)."""
    latest: dict[str, records.CustomerRecord] = {}
    for record in wanted:
        held = latest.get(record.external_id)
        if held is None or record.updated_at >= held.updated_at:
            latest[record.external_id] = record
    stored = Customer.objects.select_for_update().filter(store=store, external_id__in=list(latest))
    known = {customer.external_id: customer for customer in stored}
    changed = []
    for external_id, customer in known.items():
        if _customer_changes(customer, latest[external_id], connection=connection):
            customer_fields_set(customer, latest[external_id], connection=connection)
            changed.append(customer)
    _customers_save(changed)
    new = [
        Customer(
            store=store,
            external_id=record.external_id,
            email=record.email[:254],
            name=record.name[:120],
            accepts_marketing=record.accepts_marketing,
            created_at=record.created_at,
            source=connection,
            source_updated_at=record.updated_at,
        )
        for external_id, record in latest.items()
        if external_id not in known
    ]
    Customer.objects.bulk_create(new)
    return known | {customer.external_id: customer for customer in new}


def _customers_save(customers: list[Customer]) -> None:
    """Save the fields ``customer_fields_set`` sets, one prepared UPDATE run for every customer (Django's
    ``bulk_update`` builds a CASE per field and row, slower than the rows it writes)."""
    if not customers:
        return
    fields = [cast(Field, Customer._meta.get_field(name)) for name in CUSTOMER_FIELDS]  # concrete columns
    assignments = ", ".join(f"{db_connection.ops.quote_name(f.column or f.attname)} = %s" for f in fields)
    sql = f"UPDATE {db_connection.ops.quote_name(Customer._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608 - names from _meta
    rows = [
        [f.get_db_prep_save(getattr(customer, f.attname), db_connection) for f in fields] + [customer.pk]
        for customer in customers
    ]
    with db_connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _customer_changes(customer: Customer, record: records.CustomerRecord, *, connection: PlatformConnection) -> bool:
    """Whether ``customer_upsert`` would change the stored customer (an older record never does); a buyer named
    again by an identical record is not written again."""
    if customer.source_updated_at is not None and record.updated_at < customer.source_updated_at:
        return False
    return (
        customer.source_updated_at != record.updated_at
        or customer.source_id != connection.pk
        or customer.accepts_marketing != record.accepts_marketing
        or customer.created_at != record.created_at
        or (customer.redacted_at is None and (customer.email, customer.name) != (record.email[:254], record.name[:120]))
    )


def _new_orders(*, store: Store, connection: PlatformConnection, batch: list[records.OrderRecord]) -> None:
    """Insert orders the hub does not hold, with everything that hangs off them, in a fixed number of queries."""
    customers = _customers(
        store=store, connection=connection, wanted=[record.customer for record in batch if record.customer]
    )
    orders = []
    for record in batch:
        order = Order(store=store, external_id=record.external_id)
        order.customer = customers.get(record.customer.external_id) if record.customer else None
        order_fields_set(order, record, connection=connection)
        order.refunded_minor = sum(refund.amount_minor for refund in record.refunds)
        orders.append(order)
    Order.objects.bulk_create(orders)
    costs = line_costs(store=store, lines=[line for record in batch for line in record.lines])
    lines: list[OrderLine] = []
    codes: list[OrderDiscountCode] = []
    for order, record in zip(orders, batch, strict=True):
        for position, line in enumerate(record.lines):
            product_pk, cost = costs.get(f"v:{line.variant_external_id}") or costs.get(
                f"p:{line.product_external_id}", (None, None)
            )
            lines.append(
                OrderLine(
                    store=store,
                    order=order,
                    external_id=line.external_id or f"position-{position}",
                    product_id=product_pk,
                    unit_cost_minor=line.unit_cost_minor if line.unit_cost_minor is not None else cost,
                    title=line.title[:200],
                    sku=line.sku[:255],
                    variant_external_id=line.variant_external_id[:64],
                    quantity=line.quantity,
                    unit_price_minor=line.unit_price_minor,
                    discount_minor=line.discount_minor,
                )
            )
        wanted = sorted({code.strip()[:255] for code in record.discount_codes if code.strip()})
        codes.extend(OrderDiscountCode(store=store, order=order, code=code) for code in wanted)
    OrderLine.objects.bulk_create(lines)
    OrderDiscountCode.objects.bulk_create(codes)
    line_pks = {(line.order_id, line.external_id): line.pk for line in lines}
    refunds: list[tuple[Refund, records.RefundRecord]] = [
        (
            Refund(
                store=store,
                order=order,
                external_id=refund.external_id,
                created_at=refund.created_at,
                amount_minor=refund.amount_minor,
                reason=refund.reason[:500],
            ),
            refund,
        )
        for order, record in zip(orders, batch, strict=True)
        for refund in record.refunds
    ]
    Refund.objects.bulk_create([refund for refund, _ in refunds])
    RefundLine.objects.bulk_create(
        [
            RefundLine(
                store=store,
                refund=refund,
                order_line_id=line_pks[(refund.order_id, line.line_external_id)],
                quantity=line.quantity,
                amount_minor=line.amount_minor,
            )
            for refund, record in refunds
            for line in record.lines
            if (refund.order_id, line.line_external_id) in line_pks
        ]
    )


def orders_ingest_batch(
    *, store: Store, connection: PlatformConnection, batch: list[records.OrderRecord]
) -> BatchOutcome:
    """Write one batch of order records (refusals isolated and returned); one transaction for the batch."""
    outcome = BatchOutcome()
    accepted: dict[str, records.OrderRecord] = {}
    for record in batch:
        try:
            order_check(record)
        except ApplicationError as exc:
            outcome.refused.append(f"{record.external_id}: {exc.message}"[:300])
            continue
        held = accepted.get(record.external_id)
        if held is None or record.updated_at >= held.updated_at:
            accepted[record.external_id] = record
    with transaction.atomic():
        known = set(
            Order.objects.filter(store=store, external_id__in=list(accepted)).values_list("external_id", flat=True)
        )
        for external_id in known:
            order_upsert(store=store, connection=connection, record=accepted[external_id])
        _new_orders(
            store=store,
            connection=connection,
            batch=[record for external_id, record in accepted.items() if external_id not in known],
        )
    outcome.written = len(accepted)
    outcome.newest = max((record.updated_at for record in accepted.values()), default=None)
    return outcome
