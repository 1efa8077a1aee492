"""Checking and writing a Shopify CSV export into the store's tables.

Two steps, so a merchant sees the whole validation report before anything is written:

1. ``import_read`` reads the file (``stores.imports.shopify_csv``) and adds what only the store knows: an order in
   another currency than the store's is refused, and a product or order that a connected store platform keeps in
   step is left alone (counted as skipped). It writes nothing.
2. ``import_write`` writes every record of a clean report in one transaction through the same upserts as the
   platform sync (``stores.commerce.ingest``), so an imported order and a synced one are the same rows. It is
   idempotent: the same file twice gives the same rows (orders keyed by their name or Shopify id, products by
   handle). An order line keeps the unit cost at the time of sale: the file's ``Lineitem cost`` when it has one,
   else the cost of the catalogue variant with the line's SKU when the line is first written.
"""

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from platforms.store_records import OrderRecord, ProductRecord
from stores.commerce.ingest import order_upsert, product_upsert
from stores.commerce.sync import store_sync_counts_refresh
from stores.exceptions import ApplicationError
from stores.imports.shopify_csv import ORDERS, PRODUCTS, RowProblem, orders_csv_read, products_csv_read
from stores.models import Order, Product, ProductVariant, Store

# The largest file accepted (Shopify's exports of a big history stay well under it).
MAX_FILE_BYTES = 20 * 1024 * 1024
KINDS = (PRODUCTS, ORDERS)

Progress = Callable[[int], None]


@dataclass
class ImportReport:
    """A file checked against the store: the records, every problem, and what a write would do."""

    kind: str
    rows: int = 0
    records: list[Any] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    to_create: int = 0
    to_update: int = 0
    # External ids a connected platform keeps in step: the write leaves them alone.
    skip: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.records)

    @property
    def to_skip(self) -> int:
        return len(self.skip)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    skipped: int


def csv_text_decode(*, data: bytes) -> str:
    """The file's text (UTF-8, with or without the byte-order mark spreadsheets add); ApplicationError otherwise."""
    if len(data) > MAX_FILE_BYTES:
        raise ApplicationError(
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; export fewer rows at a time.",
            code="file_too_large",
        )
    if not data.strip():
        raise ApplicationError("The file is empty.", code="empty_file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApplicationError(
            "The file is not UTF-8 text. Export it from Shopify again, or save it as CSV UTF-8.", code="not_utf8"
        ) from None
    if "\x00" in text:
        raise ApplicationError("The file holds binary data, not CSV text.", code="not_csv")
    return text


def _parse(*, store: Store, kind: str, text: str, now: dt.datetime) -> Any:
    lines = io.StringIO(text, newline="")
    if kind == PRODUCTS:
        return products_csv_read(lines=lines, currency=store.currency, now=now)
    return orders_csv_read(lines=lines, now=now)


def import_read(*, store: Store, kind: str, text: str, now: dt.datetime) -> ImportReport:
    """Check ``text`` (a Shopify ``kind`` export) for ``store``; nothing is written."""
    if kind not in KINDS:
        raise ApplicationError("Choose products or orders.", code="invalid_kind")
    try:
        read = _parse(store=store, kind=kind, text=text, now=now)
    except csv.Error as exc:
        return ImportReport(kind=kind, problems=[RowProblem(1, "", f"the file cannot be read as CSV ({exc}).")])
    report = ImportReport(kind=kind, rows=read.rows, records=read.records, problems=list(read.problems))
    if not read.records and not read.problems:
        report.problems.append(RowProblem(1, "", f"the file holds no {kind}."))
    if kind == ORDERS:
        for line, record in zip(read.record_lines, read.records, strict=True):
            if record.currency != store.currency:
                report.problems.append(
                    RowProblem(
                        line,
                        "Currency",
                        f"order {record.name} is in {record.currency}, but {store.name} keeps its books in "
                        f"{store.currency}.",
                    )
                )
        report.records = _customers_spanning_their_orders(report.records)
    report.problems.sort(key=lambda problem: problem.line)
    _plan(store=store, report=report)
    return report


def _customers_spanning_their_orders(orders: list[OrderRecord]) -> list[OrderRecord]:
    """Each order's customer as of all their orders in the file: created at their first order, last changed at their
    latest (the export repeats the customer on every order, and the first one written must not win)."""
    spans: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    for order in orders:
        if order.customer is not None:
            first, last = spans.get(order.customer.external_id, (order.created_at, order.created_at))
            spans[order.customer.external_id] = (min(first, order.created_at), max(last, order.created_at))
    return [
        dataclasses.replace(
            order,
            customer=dataclasses.replace(
                order.customer,
                created_at=spans[order.customer.external_id][0],
                updated_at=spans[order.customer.external_id][1],
            ),
        )
        if order.customer is not None
        else order
        for order in orders
    ]


def _plan(*, store: Store, report: ImportReport) -> None:
    """Count what the write would create, update and leave to the connected platform."""
    ids = [record.external_id for record in report.records]
    model = Product if report.kind == PRODUCTS else Order
    stored = dict(model.objects.filter(store=store, external_id__in=ids).values_list("external_id", "source_id"))
    skip = {external_id for external_id, source_id in stored.items() if source_id is not None}
    if report.kind == PRODUCTS:
        synced_handles = set(
            Product.objects.filter(
                store=store, source__isnull=False, handle__in=[record.handle for record in report.records]
            ).values_list("handle", flat=True)
        )
        skip |= {record.external_id for record in report.records if record.handle in synced_handles}
    report.skip = frozenset(skip)
    report.to_update = sum(1 for external_id in stored if external_id not in skip)
    report.to_create = len(set(ids)) - report.to_update - len(skip)


def import_report_lines(*, report: ImportReport, filename: str, limit: int = 50) -> list[str]:
    """The report in words: what the file holds, what a write would do, and the first ``limit`` problems."""
    lines = [
        f"{filename}: {report.rows} rows, {len(report.records)} {report.kind} "
        f"({report.to_create} new, {report.to_update} to update, {report.to_skip} left to the connected platform)."
    ]
    if report.problems:
        lines.append(f"{len(report.problems)} problem(s); nothing can be imported until they are fixed:")
        lines += [f"  {problem}" for problem in report.problems[:limit]]
        if len(report.problems) > limit:
            lines.append(f"  ... and {len(report.problems) - limit} more.")
    else:
        lines.append("No problems found.")
    return lines


def _with_catalogue_links(*, store: Store, record: OrderRecord) -> OrderRecord:
    """The order with each line pointing at the catalogue variant of its SKU, so the line takes its cost."""
    skus = {line.sku for line in record.lines if line.sku and not line.variant_external_id}
    if not skus:
        return record
    variants: dict[str, tuple[str, str]] = {}
    for sku, variant_id, product_id in (
        ProductVariant.objects.filter(store=store, sku__in=skus)
        .order_by("id")
        .values_list("sku", "external_id", "product__external_id")
    ):
        variants.setdefault(sku, (variant_id, product_id))
    lines = tuple(
        dataclasses.replace(line, variant_external_id=variants[line.sku][0], product_external_id=variants[line.sku][1])
        if line.sku in variants and not line.variant_external_id
        else line
        for line in record.lines
    )
    return dataclasses.replace(record, lines=lines)


def _record_write(*, store: Store, record: ProductRecord | OrderRecord) -> None:
    try:
        if isinstance(record, ProductRecord):
            product_upsert(store=store, connection=None, record=record)
        else:
            order_upsert(store=store, connection=None, record=_with_catalogue_links(store=store, record=record))
    except ApplicationError as exc:
        what = f"product {record.handle}" if isinstance(record, ProductRecord) else f"order {record.name}"
        raise ApplicationError(f"{what}: {exc.message} Nothing was imported.", code="import_refused") from exc


def import_write(*, store: Store, report: ImportReport, progress: Progress | None = None) -> ImportResult:
    """Write every record of a clean ``report`` in one transaction (all or nothing); ``progress(done)`` after each.

    Raises ApplicationError, with nothing written, for a report with problems or a record the ingest refuses."""
    if not report.ok:
        raise ApplicationError("The file has problems; fix them and upload it again.", code="import_not_clean")
    created = updated = skipped = 0
    with transaction.atomic():
        model = Product if report.kind == PRODUCTS else Order
        stored = set(
            model.objects.filter(
                store=store, external_id__in=[record.external_id for record in report.records]
            ).values_list("external_id", flat=True)
        )
        for done, record in enumerate(report.records, start=1):
            if record.external_id in report.skip:
                skipped += 1
            else:
                _record_write(store=store, record=record)
                if record.external_id in stored:
                    updated += 1
                else:
                    created += 1
                    stored.add(record.external_id)
            if progress is not None:
                progress(done)
        # A row a platform connection held and the file now holds stops being that connection's.
        store_sync_counts_refresh(store_id=store.pk, counted=(model,))
    return ImportResult(created=created, updated=updated, skipped=skipped)
