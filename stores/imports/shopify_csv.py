"""Read Shopify's own CSV exports (Products › Export, Orders › Export) into store records, row by row.

Merchants already have these files, from Shopify or from tools that write the same columns. Nothing is written
here: a read gives the records it understood and one problem per bad cell, with its line number, so the merchant
sees the whole validation report before anything is imported.

The formats, as Shopify writes them:

- **Products**: one row per variant (and extra rows that carry only another image). Product columns (``Title``,
  ``Body (HTML)``, ``Type``, ``Tags``, ``Status``, ``Image Src``) are filled on the product's first row; every row
  carries its ``Handle``. Variant columns: ``Variant SKU``, ``Variant Price``, ``Variant Compare At Price``,
  ``Variant Inventory Qty``, ``Cost per item``, ``Option1 Value``.
- **Orders**: one row per line item; order columns (``Financial Status``, ``Currency``, ``Subtotal``,
  ``Shipping``, ``Taxes``, ``Total``, ``Discount Code``, ``Discount Amount``, ``Created at``, ``Refunded Amount``,
  ``Cancelled at``, ``Email``, ``Note Attributes``, ``Id``) are filled on the order's first row; every row carries
  the order's ``Name``. Line columns: ``Lineitem quantity``, ``Lineitem name``, ``Lineitem price``,
  ``Lineitem sku``, ``Lineitem discount``, and ``Lineitem cost`` (the unit cost at the time of sale: not in
  Shopify's own export, but tools that write the same columns add it; when absent the catalogue's cost is used).
  Times look like ``2025-10-07 09:50:26 +0200``.

External ids: an order with an ``Id`` gets the id Shopify's API knows it by (``gid://shopify/Order/<Id>``), so a
store that later connects Shopify does not see its history twice; without one it is ``csv-order:<Name>``. A
product is ``csv-product:<Handle>`` (the product export has no id).
"""

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from platforms.store_records import (
    ORDER_CANCELLED,
    ORDER_PAID,
    ORDER_PARTIALLY_REFUNDED,
    ORDER_PENDING,
    ORDER_REFUNDED,
    PRODUCT_ACTIVE,
    PRODUCT_ARCHIVED,
    PRODUCT_DRAFT,
    CustomerRecord,
    OrderLineRecord,
    OrderRecord,
    ProductRecord,
    RefundRecord,
    VariantRecord,
)
from stores.money import to_minor

PRODUCTS = "products"
ORDERS = "orders"

# Bounds on what a merchant may send: the largest file, the most rows, the longest cell.
MAX_ROWS = 500_000
MAX_CELL = 5_000
TITLE_MAX = 200
SKU_MAX = 100
# The largest amount a cell may hold, in minor units (a hundred billion dollars): beyond it is a typo, and the
# database's 64-bit columns are never near their limit.
AMOUNT_MAX_MINOR = 10**13
# Orders placed before this are not history a store has; after the read's ``now`` (plus a day of clock skew) not yet.
EARLIEST_ORDER = dt.datetime(1995, 1, 1, tzinfo=dt.UTC)
CLOCK_SKEW = dt.timedelta(days=1)

PRODUCT_REQUIRED = ("Handle", "Variant Price")
ORDER_REQUIRED = ("Name", "Lineitem quantity", "Lineitem name", "Lineitem price")

_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M %z")
_STATUSES = {
    "pending": ORDER_PENDING,
    "authorized": ORDER_PENDING,
    "partially_paid": ORDER_PENDING,
    "paid": ORDER_PAID,
    "partially_refunded": ORDER_PARTIALLY_REFUNDED,
    "refunded": ORDER_REFUNDED,
    "voided": ORDER_CANCELLED,
}
_PRODUCT_STATUSES = {"active": PRODUCT_ACTIVE, "draft": PRODUCT_DRAFT, "archived": PRODUCT_ARCHIVED}
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
_TAG_HTML = re.compile(r"<[^>]+>")
_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class RowProblem:
    """One bad cell: the file's line number (the header is line 1), the column, and what is wrong with it."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message}"


@dataclass
class CsvRead:
    """What one file says: the records understood, and every problem found (empty when it can be imported)."""

    kind: str
    rows: int = 0
    records: list[Any] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    # The file line each record starts on, in the order of ``records``: later checks name the line too.
    record_lines: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.records)


class _Row:
    """One CSV row with its line number; every getter records a problem instead of raising."""

    def __init__(self, values: dict[str, str], line: int, problems: list[RowProblem]) -> None:
        self.values = values
        self.line = line
        self.problems = problems

    def text(self, column: str, *, limit: int = MAX_CELL) -> str:
        value = (self.values.get(column) or "").strip()
        if len(value) > limit:
            self.problem(column, f"is longer than {limit} characters.")
            return value[:limit]
        return value

    def problem(self, column: str, message: str) -> None:
        self.problems.append(RowProblem(self.line, column, message))

    def money(self, column: str, currency: str, *, required: bool = False) -> int | None:
        value = self.text(column, limit=32)
        if not value:
            if required:
                self.problem(column, "is empty; an amount like 19.99 is needed.")
            return None
        try:
            minor = to_minor(value, currency)
        except ValueError:
            self.problem(column, f"{value!r} is not an amount in {currency} (like 19.99).")
            return None
        if minor < 0:
            self.problem(column, f"{value!r} is negative.")
            return None
        if minor > AMOUNT_MAX_MINOR:
            self.problem(column, f"{value!r} is larger than any amount Growth Hub keeps.")
            return None
        return minor

    def integer(self, column: str, *, minimum: int = 0, maximum: int = 10_000_000) -> int | None:
        value = self.text(column, limit=16)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            self.problem(column, f"{value!r} is not a whole number.")
            return None
        if not minimum <= number <= maximum:
            self.problem(column, f"{number} is outside {minimum}–{maximum}.")
            return None
        return number

    def moment(self, column: str, *, required: bool = False) -> dt.datetime | None:
        value = self.text(column, limit=40)
        if not value:
            if required:
                self.problem(column, "is empty; a time like 2025-10-07 09:50:26 +0200 is needed.")
            return None
        for pattern in _TIME_FORMATS:
            try:
                return dt.datetime.strptime(value, pattern).astimezone(dt.UTC)
            except ValueError:
                continue
        self.problem(column, f"{value!r} is not a time like 2025-10-07 09:50:26 +0200.")
        return None


def _rows(lines: Iterable[str], kind: str, required: tuple[str, ...], read: CsvRead) -> Iterator[_Row]:
    reader = csv.DictReader(lines)
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in required if column not in header]
    if missing:
        read.problems.append(
            RowProblem(1, ", ".join(missing), f"missing: this is not a Shopify {kind} export (columns not found).")
        )
        return
    reader.fieldnames = header
    for values in reader:
        read.rows += 1
        if read.rows > MAX_ROWS:
            read.problems.append(RowProblem(reader.line_num, "", f"the file has more than {MAX_ROWS} rows."))
            return
        yield _Row({key: value for key, value in values.items() if key is not None}, reader.line_num, read.problems)


def _web_address(row: _Row, column: str) -> str:
    """An http(s) address, or "" (with a problem recorded when the cell held something else)."""
    value = row.text(column, limit=500)
    if not value:
        return ""
    try:
        _WEB_ADDRESS(value)
    except ValidationError:
        row.problem(column, f"{value[:80]!r} is not a web address (https://...).")
        return ""
    return value


def products_csv_read(*, lines: Iterable[str], currency: str, now: dt.datetime) -> CsvRead:
    """Read a Shopify products export; prices are in the store's ``currency`` (the export does not say)."""
    read = CsvRead(kind=PRODUCTS)
    products: dict[str, dict[str, Any]] = {}
    for row in _rows(lines, PRODUCTS, PRODUCT_REQUIRED, read):
        handle = row.text("Handle", limit=255)
        if not handle:
            row.problem("Handle", "is empty; every row names its product's handle.")
            continue
        product = products.setdefault(handle, {"line": row.line, "variants": [], "fields": {}})
        title = row.text("Title", limit=TITLE_MAX)
        if title and not product["fields"]:
            status = row.text("Status", limit=16).lower() or "active"
            if status not in _PRODUCT_STATUSES:
                row.problem("Status", f"{status!r} is not active, draft or archived.")
            product["fields"] = {
                "title": title,
                "description": _TAG_HTML.sub("", row.text("Body (HTML)")).strip(),
                "category": row.text("Type", limit=80),
                "tags": tuple(tag.strip()[:50] for tag in row.text("Tags").split(",") if tag.strip()),
                "status": _PRODUCT_STATUSES.get(status, PRODUCT_ACTIVE),
                "image_url": _web_address(row, "Image Src"),
            }
        if not row.text("Variant Price", limit=32) and not row.text("Variant SKU", limit=SKU_MAX):
            continue  # an image-only row
        price = row.money("Variant Price", currency, required=True)
        if price is None:
            continue
        option = row.text("Option1 Value", limit=TITLE_MAX)
        product["variants"].append(
            VariantRecord(
                external_id=f"csv-variant:{handle}:{len(product['variants']) + 1}",
                title="" if option == "Default Title" else option,
                sku=row.text("Variant SKU", limit=SKU_MAX),
                price_minor=price,
                inventory_quantity=row.integer("Variant Inventory Qty", minimum=-1_000_000),
                unit_cost_minor=row.money("Cost per item", currency),
                compare_at_price_minor=row.money("Variant Compare At Price", currency),
            )
        )
    for handle, product in products.items():
        if not product["fields"]:
            read.problems.append(RowProblem(product["line"], "Title", f"product {handle!r} has no row with a title."))
            continue
        read.record_lines.append(product["line"])
        read.records.append(
            ProductRecord(
                external_id=f"csv-product:{handle}",
                handle=handle,
                currency=currency,
                updated_at=now,
                variants=tuple(product["variants"]),
                **product["fields"],
            )
        )
    return read


def _attributes(text: str) -> dict[str, str]:
    """Shopify writes note attributes one per line as ``name: value``."""
    found = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() and value.strip():
            found[name.strip()[:100]] = value.strip()[:500]
    return dict(list(found.items())[:50])


def _order_start(row: _Row, name: str, now: dt.datetime) -> dict[str, Any] | None:
    """The order-level fields of an order's first row; None (with problems recorded) when they are unusable."""
    currency = row.text("Currency", limit=8).upper()
    if not _CURRENCY.match(currency):
        row.problem("Currency", f"{currency!r} is not a currency code like USD.")
        return None
    created = row.moment("Created at", required=True)
    if created is not None and not EARLIEST_ORDER <= created <= now + CLOCK_SKEW:
        row.problem("Created at", f"{created:%Y-%m-%d} is not a day an order can have been placed on.")
        created = None
    total = row.money("Total", currency, required=True)
    status_word = row.text("Financial Status", limit=32).lower()
    status = _STATUSES.get(status_word)
    if status is None:
        row.problem("Financial Status", f"{status_word!r} is not one of {', '.join(sorted(_STATUSES))}.")
    cancelled = row.moment("Cancelled at")
    refunded = row.money("Refunded Amount", currency) or 0
    if created is None or total is None or status is None:
        return None
    if refunded > total:
        row.problem("Refunded Amount", "is more than the order's total.")
        return None
    email = row.text("Email", limit=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.problem("Email", f"{email!r} is not an email address.")
            return None
    order_id = row.text("Id", limit=20)
    if order_id and not order_id.isdigit():
        row.problem("Id", f"{order_id!r} is not Shopify's numeric order id.")
        return None
    return {
        "external_id": f"gid://shopify/Order/{order_id}" if order_id else f"csv-order:{name}",
        "name": name,
        "created_at": created,
        "updated_at": created,
        "processed_at": row.moment("Paid at"),
        "cancelled_at": cancelled,
        "currency": currency,
        "financial_status": ORDER_CANCELLED if cancelled else status,
        "total_minor": total,
        "subtotal_minor": row.money("Subtotal", currency) or 0,
        "shipping_minor": row.money("Shipping", currency) or 0,
        "tax_minor": row.money("Taxes", currency) or 0,
        "discount_minor": row.money("Discount Amount", currency) or 0,
        "refunded_minor": refunded,
        "discount_codes": tuple(code.strip()[:100] for code in row.text("Discount Code").split(",") if code.strip()),
        "attributes": _attributes(row.text("Note Attributes")),
        "customer": CustomerRecord(
            external_id=f"csv-customer:{email.lower()}", email=email, created_at=created, updated_at=created
        )
        if email
        else None,
        "lines": [],
        "line": row.line,
    }


def orders_csv_read(*, lines: Iterable[str], now: dt.datetime | None = None) -> CsvRead:
    """Read a Shopify orders export (every amount in the order's own ``Currency`` column).

    ``now`` bounds the order times (an order placed tomorrow is a mistake); it defaults to the current time."""
    now = now or dt.datetime.now(dt.UTC)
    read = CsvRead(kind=ORDERS)
    orders: dict[str, dict[str, Any] | None] = {}
    for row in _rows(lines, ORDERS, ORDER_REQUIRED, read):
        name = row.text("Name", limit=64)
        if not name:
            row.problem("Name", "is empty; every row names its order (like #1001).")
            continue
        if name not in orders:
            orders[name] = _order_start(row, name, now)
        order = orders[name]
        if order is None:
            continue
        quantity = row.integer("Lineitem quantity", minimum=1, maximum=100_000)
        price = row.money("Lineitem price", order["currency"], required=True)
        title = row.text("Lineitem name", limit=TITLE_MAX)
        if not title:
            row.problem("Lineitem name", "is empty.")
        if quantity is None or price is None or not title:
            if quantity is None and not row.text("Lineitem quantity", limit=16):
                row.problem("Lineitem quantity", "is empty; a whole number of at least 1 is needed.")
            orders[name] = None
            continue
        order["lines"].append(
            OrderLineRecord(
                external_id=f"{order['external_id']}:line:{len(order['lines']) + 1}",
                title=title,
                quantity=quantity,
                unit_price_minor=price,
                sku=row.text("Lineitem sku", limit=SKU_MAX),
                discount_minor=row.money("Lineitem discount", order["currency"]) or 0,
                unit_cost_minor=row.money("Lineitem cost", order["currency"]),
            )
        )
    for order in orders.values():
        if order is None:
            continue
        line = order.pop("line")
        refunds = (
            (
                RefundRecord(
                    external_id=f"{order['external_id']}:refund",
                    created_at=order["cancelled_at"] or order["created_at"],
                    amount_minor=order["refunded_minor"],
                    reason="Refunded Amount of the orders export",
                ),
            )
            if order["refunded_minor"]
            else ()
        )
        read.record_lines.append(line)
        read.records.append(OrderRecord(**{**order, "lines": tuple(order["lines"]), "refunds": refunds}))
    return read
