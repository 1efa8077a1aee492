"""The demo store: Northwind Outfitters with a year of customers and orders shaped like a real shop's.

Everything is drawn from one numpy generator seeded by ``seed``, so the same seed and end date give the same
rows. Rows are written with ``COPY`` on PostgreSQL and ``executemany`` on SQLite, with ids allocated up front,
so a million orders take minutes, not hours.
"""

import base64
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction

from stores.exceptions import ApplicationError
from stores.models import Customer, Membership, Order, OrderLine, OrderStatus, Product, ProductStatus, Role, Store

DEMO_STORE_NAME = "Northwind Outfitters"
DEMO_STORE_SLUG = "northwind"
DEMO_DOMAIN = "shop.northwind.example"
DEMO_TIMEZONE = "America/New_York"
DEMO_CURRENCY = "USD"
CHUNK_ORDERS = 50_000

# (handle, title, category, price, unit cost, inventory, tags, status); prices in cents.
CATALOG: list[tuple[str, str, str, int, int, int, list[str], str]] = [
    ("merino-trail-tee", "Merino Trail Tee", "Apparel", 3800, 1350, 420, ["merino", "hiking"], "active"),
    ("ridgeline-fleece", "Ridgeline Fleece Jacket", "Apparel", 8900, 3100, 260, ["fleece", "layering"], "active"),
    ("summit-down-parka", "Summit Down Parka", "Apparel", 24900, 9800, 85, ["down", "winter"], "active"),
    ("trailhead-hoodie", "Trailhead Hoodie", "Apparel", 6400, 2200, 310, ["cotton", "everyday"], "active"),
    ("alpine-base-layer", "Alpine Base Layer Set", "Apparel", 7200, 2600, 190, ["merino", "winter"], "active"),
    ("coastal-rain-shell", "Coastal Rain Shell", "Apparel", 14900, 5400, 140, ["waterproof", "rain"], "active"),
    ("canyon-shorts", "Canyon Hiking Shorts", "Apparel", 4800, 1600, 280, ["summer", "hiking"], "active"),
    ("heritage-flannel", "Heritage Flannel Shirt (2025)", "Apparel", 5900, 2100, 0, ["flannel"], "archived"),
    ("switchback-runner", "Switchback Trail Runner", "Footwear", 13900, 5200, 175, ["running", "trail"], "active"),
    ("granite-mid-boot", "Granite Mid Hiking Boot", "Footwear", 18900, 7300, 120, ["boots", "waterproof"], "active"),
    ("riverbed-sandal", "Riverbed Sandal", "Footwear", 5900, 1900, 230, ["summer", "water"], "active"),
    ("camp-slip-on", "Camp Slip-On", "Footwear", 6900, 2300, 160, ["camp", "comfort"], "active"),
    ("tundra-winter-boot", "Tundra Winter Boot", "Footwear", 21900, 8600, 70, ["winter", "boots"], "active"),
    ("crag-approach-shoe", "Crag Approach Shoe", "Footwear", 14900, 5600, 95, ["climbing", "trail"], "active"),
    ("ultralight-2p-tent", "Ultralight 2P Tent", "Outdoor Gear", 34900, 14200, 60, ["camping", "tent"], "active"),
    ("ember-sleeping-bag", "Ember 20° Sleeping Bag", "Outdoor Gear", 22900, 8900, 75, ["camping", "down"], "active"),
    ("trek-45-backpack", "Trek 45L Backpack", "Outdoor Gear", 17900, 6400, 110, ["backpacking"], "active"),
    ("summit-22-daypack", "Summit 22L Daypack", "Outdoor Gear", 8900, 3000, 240, ["hiking", "pack"], "active"),
    ("carbon-poles", "Carbon Trekking Poles", "Outdoor Gear", 12900, 4700, 130, ["hiking", "carbon"], "active"),
    ("beacon-headlamp", "Beacon 400 Headlamp", "Outdoor Gear", 4500, 1500, 380, ["camping", "light"], "active"),
    ("firefly-stove-kit", "Firefly Stove Kit", "Outdoor Gear", 7900, 2900, 150, ["camping", "cooking"], "active"),
    ("drift-hammock", "Drift Packable Hammock", "Outdoor Gear", 6900, 2200, 200, ["camping", "summer"], "active"),
    ("aurora-bivy", "Aurora Storm Bivy", "Outdoor Gear", 19900, 7800, 40, ["new", "shelter"], "draft"),
    ("merino-beanie", "Merino Beanie", "Accessories", 2900, 900, 520, ["merino", "winter", "gift"], "active"),
    ("trail-socks-3-pack", "Merino Trail Socks 3-Pack", "Accessories", 2800, 950, 900, ["merino", "gift"], "active"),
    ("trail-sunglasses", "Polarized Sunglasses", "Accessories", 7900, 2400, 210, ["summer", "eyewear"], "active"),
    ("insulated-bottle", "Insulated Bottle 1L", "Accessories", 3400, 1000, 640, ["hydration", "gift"], "active"),
    ("liner-gloves", "Touchscreen Liner Gloves", "Accessories", 3200, 1000, 330, ["winter", "gift"], "active"),
    ("trucker-cap", "Canvas Trucker Cap", "Accessories", 2600, 700, 450, ["everyday", "summer"], "active"),
    ("dry-bag-10l", "Roll-Top Dry Bag 10L", "Accessories", 2400, 700, 380, ["water", "travel"], "active"),
    ("wool-camp-blanket", "Wool Camp Blanket", "Home", 11900, 4300, 140, ["wool", "cabin", "gift"], "active"),
    ("enamel-mug-set", "Enamel Mug Set of 4", "Home", 3600, 1100, 300, ["camp", "kitchen", "gift"], "active"),
    ("cedar-pine-candle", "Cedar & Pine Candle", "Home", 2800, 700, 500, ["cabin", "gift"], "active"),
    ("trail-map-print", "National Parks Map Print", "Home", 4500, 1200, 260, ["decor", "gift"], "active"),
    ("cast-iron-skillet", "Cast Iron Camp Skillet", "Home", 5200, 1900, 220, ["camp", "kitchen"], "active"),
    ("pour-over-kit", "Pour-Over Camp Coffee Kit", "Home", 6400, 2100, 180, ["coffee", "gift"], "active"),
    ("trail-mix-box", "Trail Mix Variety Box", "Nutrition", 2400, 900, 700, ["snacks", "hiking"], "active"),
    ("electrolyte-mix", "Electrolyte Drink Mix 30ct", "Nutrition", 3200, 1000, 820, ["hydration"], "active"),
    ("protein-bars-12", "Summit Protein Bars 12ct", "Nutrition", 2900, 1100, 760, ["snacks", "protein"], "active"),
    ("freeze-dried-meals", "Freeze-Dried Meals 4-Pack", "Nutrition", 4400, 1800, 410, ["camping", "food"], "active"),
]
CATEGORIES = ["Apparel", "Footwear", "Outdoor Gear", "Accessories", "Home", "Nutrition"]
# Demand by category and calendar month (Jan..Dec): jackets in winter, tents in summer, gifts in December.
CATEGORY_SEASON = np.array(
    [
        [1.20, 1.00, 0.90, 0.85, 0.80, 0.70, 0.70, 0.80, 1.00, 1.20, 1.35, 1.40],
        [0.80, 0.85, 1.10, 1.25, 1.20, 1.05, 1.00, 1.05, 1.15, 1.05, 0.90, 0.90],
        [0.50, 0.60, 0.90, 1.20, 1.45, 1.60, 1.60, 1.35, 1.00, 0.70, 0.80, 0.90],
        [0.90, 0.85, 0.90, 0.95, 1.00, 1.05, 1.05, 1.00, 0.95, 1.00, 1.30, 1.60],
        [0.90, 0.85, 0.80, 0.80, 0.85, 0.80, 0.80, 0.85, 0.95, 1.10, 1.35, 1.60],
        [1.40, 1.10, 1.00, 1.00, 1.05, 1.15, 1.20, 1.10, 1.00, 0.95, 0.85, 0.80],
    ]
)
# Store-wide demand by month, taken at mid-month and interpolated: January slump, summer bump, holiday peak.
MONTH_DEMAND = [0.72, 0.78, 0.92, 0.98, 1.02, 1.10, 1.18, 1.08, 0.95, 1.00, 1.30, 1.75]
# Local hour of day profiles; weekends peak at midday, weekdays at lunch and in the evening.
WEEKDAY_HOURS = [0.25, 0.15, 0.10, 0.08, 0.08, 0.12, 0.30, 0.55, 0.80, 0.95, 1.00, 1.05]
WEEKDAY_HOURS += [1.15, 1.10, 1.00, 0.95, 0.95, 1.00, 1.10, 1.30, 1.45, 1.35, 1.00, 0.55]
WEEKEND_HOURS = [0.35, 0.22, 0.14, 0.10, 0.08, 0.10, 0.18, 0.35, 0.60, 0.90, 1.20, 1.35]
WEEKEND_HOURS += [1.40, 1.40, 1.35, 1.25, 1.15, 1.10, 1.10, 1.15, 1.20, 1.10, 0.85, 0.55]
WEEKDAY_DEMAND = [1.05, 1.00, 0.98, 0.97, 0.92, 1.12, 1.18]  # Monday..Sunday
SEASONS = ["winter-sale", "winter-sale", "spring-trail", "spring-trail", "spring-trail", "summer-camp"]
SEASONS += ["summer-camp", "summer-camp", "fall-layers", "fall-layers", "bfcm", "holiday-gifts"]
# How an order arrived: (utm_source, utm_medium, referrer, click id parameter, share of orders).
CHANNELS: list[tuple[str, str, str, str, float]] = [
    ("", "", "", "", 0.24),
    ("", "", "https://www.google.com/", "", 0.14),
    ("", "", "https://www.bing.com/", "", 0.02),
    ("", "", "https://duckduckgo.com/", "", 0.01),
    ("instagram", "social", "https://l.instagram.com/", "", 0.09),
    ("instagram", "cpc", "https://l.instagram.com/", "fbclid", 0.06),
    ("facebook", "social", "https://l.facebook.com/", "", 0.04),
    ("facebook", "cpc", "https://l.facebook.com/", "fbclid", 0.07),
    ("tiktok", "social", "https://www.tiktok.com/", "", 0.08),
    ("tiktok", "cpc", "https://www.tiktok.com/", "ttclid", 0.05),
    ("pinterest", "social", "https://www.pinterest.com/", "", 0.05),
    ("x", "social", "https://t.co/", "", 0.02),
    ("google", "cpc", "https://www.google.com/", "gclid", 0.08),
    ("newsletter", "email", "", "", 0.05),
]
CLICK_ID_PREFIX = {"gclid": "Cj0KCQiA", "fbclid": "IwAR", "ttclid": "E.C.P."}
FIRST_NAMES = (  # noqa: SIM905 - a word list reads best as words
    "Olivia Liam Emma Noah Ava Elijah Sophia Mateo Isabella Lucas Mia Levi Amelia Ezra Harper James Evelyn Luca  "
    "Abigail Asher Emily Leo Ella Kai Avery Jack Sofia Aiden Camila Owen Aria Ethan Scarlett Daniel Luna Henry  "
    "Chloe Maya Wyatt Priya Omar Grace Hiro Nora Diego Zoe Samuel Leila Arjun Hannah Felix Ines Theo Ruby Jonah"
).split()
LAST_NAMES = (  # noqa: SIM905 - a word list reads best as words
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson  "
    "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis  "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera  "
    "Campbell Mitchell Carter Roberts Patel Kim Okafor Schmidt Rossi Novak Haddad Tanaka Larsen Murphy"
).split()
EMAIL_DOMAINS = ["example.com", "example.net", "example.org"]
SEARCH_TERMS = {
    "Apparel": "merino base layer",
    "Footwear": "waterproof hiking boots",
    "Outdoor Gear": "ultralight backpacking gear",
    "Accessories": "hiking gifts",
    "Home": "cabin decor gifts",
    "Nutrition": "trail snacks",
}


class ProgressBar(Protocol):
    def update(self, n: int = 1) -> object: ...


ProgressFactory = Callable[[str, int], AbstractContextManager[ProgressBar]]


@dataclass(frozen=True)
class DemoSeedPlan:
    """What every seed step works from: the store, the generator seed and the period [start, end)."""

    store: Store
    seed: int
    start: dt.datetime
    end: dt.datetime
    orders: int


class _Silent:
    def update(self, n: int = 1) -> None:
        return None


def _no_progress(desc: str, total: int) -> AbstractContextManager[ProgressBar]:
    return nullcontext(_Silent())


@transaction.atomic
def demo_store_ensure(*, email: str, password: str) -> Store:
    """The demo store with the demo user as owner, created when missing; the user's e-mail is verified.

    Refuses when the slug is taken by a store the demo user does not own: the seed never writes into a real shop.
    """
    user_model = get_user_model()
    # Whoever already holds the address (a sign-up may have picked another username) is the demo user.
    user = user_model.objects.filter(email__iexact=email).order_by("pk").first()
    created = user is None
    if user is None:
        user = user_model.objects.create(username=email, email=email)
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    store, _ = Store.objects.get_or_create(
        slug=DEMO_STORE_SLUG,
        defaults={
            "name": DEMO_STORE_NAME,
            "currency": DEMO_CURRENCY,
            "timezone": DEMO_TIMEZONE,
            "storefront_domain": DEMO_DOMAIN,
        },
    )
    if not Membership.objects.filter(store=store, user=user, role=Role.OWNER).exists():
        if store.memberships.exists():
            raise ApplicationError(
                f"The store {DEMO_STORE_SLUG!r} belongs to someone else; the demo will not write into it.",
                code="demo_slug_taken",
            )
        Membership.objects.create(store=store, user=user, role=Role.OWNER)
    return store


def demo_store_has_orders(*, store: Store) -> bool:
    return Order.objects.filter(store=store).exists()


@transaction.atomic
def demo_store_reset(*, store: Store) -> None:
    """Delete the store's catalogue, customers and orders, children first."""
    for model in (OrderLine, Order, Customer, Product):
        _delete_store_rows(model, store)


def _delete_store_rows(model: type[models.Model], store: Store) -> None:
    """One DELETE when no row elsewhere points at these; else Django's cascade, which loads every row first.

    A million orders go in seconds this way; through the collector, minutes.
    """
    rows = model.objects.filter(store=store)
    if not rows.exists():
        return
    # The relations Django's deletion collector follows, hidden ones (related_name="+") included.
    relations = [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_one or f.one_to_many)
    ]
    referenced = any(
        rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": rows}).exists() for rel in relations
    )
    if referenced:
        rows.delete()
        return
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field("store").column)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [store.pk])  # noqa: S608 - names from _meta


def demo_seed_plan(*, store: Store, seed: int, orders: int, end: dt.datetime) -> DemoSeedPlan:
    """A plan covering the twelve months (365 days) before ``end``, an aware datetime."""
    if orders < 1:
        raise ApplicationError("Seed at least one order.", code="demo_orders_invalid")
    end = end.astimezone(dt.UTC)
    return DemoSeedPlan(store=store, seed=seed, start=end - dt.timedelta(days=365), end=end, orders=orders)


def demo_commerce_seed(*, plan: DemoSeedPlan, progress: ProgressFactory = _no_progress) -> str:
    """Write products, customers, orders and order lines for ``plan`` in one transaction; returns a summary.

    Refuses a store that already has products, customers or orders (reset it first): external ids restart.
    """
    store = plan.store
    with _relaxed_durability(), transaction.atomic():
        if any(m.objects.filter(store=store).exists() for m in (Product, Customer, Order)):
            raise ApplicationError(
                "The demo store already has commerce data; reset it before seeding again.", code="demo_not_empty"
            )
        _lock_tables()
        rng = np.random.default_rng(plan.seed)
        tz = store.tzinfo
        product_ids = _write_products(plan=plan, rng=rng)
        data = _draw_orders(plan=plan, rng=rng, tz=tz)
        ids = {m: _next_id(m) for m in (Customer, Order, OrderLine)}
        n = plan.orders
        with progress("orders", n) as bar:
            for lo in range(0, n, CHUNK_ORDERS):
                hi = min(n, lo + CHUNK_ORDERS)
                _write_chunk(plan=plan, data=data, lo=lo, hi=hi, ids=ids, product_ids=product_ids)
                bar.update(hi - lo)
        _reset_sequences()
    refunded = int(np.isin(data["status"], [2, 3]).sum())
    return (
        f"{len(CATALOG)} products, {data['n_customers']} customers, {n} orders "
        f"({len(data['line_product'])} lines, {refunded} refunded)"
    )


def _relaxed_durability() -> AbstractContextManager[None]:
    """On SQLite, skip fsync while the seed writes (the data can be re-seeded); restored afterwards."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return nullcontext()

    @contextmanager
    def relaxed() -> Iterator[None]:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            previous = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA synchronous=OFF")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA synchronous={previous}")

    return relaxed()


def _lock_tables() -> None:
    """Ids are allocated from MAX(id): keep other writers out of these tables until the seed commits."""
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (Customer, Order, OrderLine, Product))
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=models.Max("id"))["top"] or 0) + 1


def _reset_sequences() -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), [Product, Customer, Order, OrderLine])
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


def _timestamps(epoch_seconds: np.ndarray) -> list[str]:
    """UTC timestamps as the database stores them (SQLite: Django's naive UTC text)."""
    text = np.datetime_as_string(epoch_seconds.astype("datetime64[s]"), unit="s")
    suffix = "+00:00" if connection.vendor == "postgresql" else ""
    return [t.replace("T", " ") + suffix for t in text.tolist()]


def _insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Append rows to the model's table: COPY on PostgreSQL, one prepared INSERT on SQLite."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(f).column) for f in fields)
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in fields)
        raw.executemany(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})", rows)  # noqa: S608 - names from _meta


def _write_products(*, plan: DemoSeedPlan, rng: np.random.Generator) -> list[int]:
    first = _next_id(Product)
    ids = list(range(first, first + len(CATALOG)))
    launched = (plan.start.timestamp() - rng.integers(30, 400, len(CATALOG)) * 86400).astype(np.int64)
    launched_at = _timestamps(launched)
    updated_at = _timestamps(np.array([int(plan.end.timestamp())]))[0]
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
    _insert(Product, fields, rows)
    return ids


def _hour_grid(plan: DemoSeedPlan, tz: dt.tzinfo) -> dict[str, np.ndarray]:
    """Every whole UTC hour of the period with its local calendar facts and its relative demand."""
    first = int(plan.start.timestamp()) // 3600 * 3600 + 3600
    hours = np.arange(first, int(plan.end.timestamp()) - 3599, 3600, dtype=np.int64)
    local = [dt.datetime.fromtimestamp(int(h), tz) for h in hours]
    month = np.array([t.month for t in local])
    day = np.array([t.day for t in local])
    weekday = np.array([t.weekday() for t in local])
    hour = np.array([t.hour for t in local])
    doy = np.array([t.timetuple().tm_yday for t in local], dtype=float)
    month_slot = np.array([(t.year - local[0].year) * 12 + t.month - local[0].month for t in local])
    mids = np.array([15.5 + 30.42 * m for m in range(12)])
    demand = np.interp(doy, mids, MONTH_DEMAND, period=365)
    weekend = weekday >= 5
    demand *= np.where(weekend, np.take(WEEKEND_HOURS, hour), np.take(WEEKDAY_HOURS, hour))
    demand *= np.take(WEEKDAY_DEMAND, weekday)
    demand *= np.where((weekday == 0) & (hour >= 19) & (hour <= 22), 1.35, 1.0)  # Monday-evening browsing
    # Black Friday to Cyber Monday: the fourth Thursday of November is between the 22nd and the 28th.
    bfcm = (month == 11) & (((weekday == 4) & (day >= 23) & (day <= 29)) | ((weekday >= 5) & (day >= 24)))
    bfcm |= (weekday == 0) & (((month == 11) & (day >= 26)) | ((month == 12) & (day <= 2)))
    demand *= np.where(bfcm, 2.2, 1.0)
    demand *= np.where((month == 12) & (day >= 21) & (day <= 24), 0.85, 1.0)
    demand *= np.where((month == 12) & (day == 25), 0.45, np.where((month == 12) & (day == 26), 1.3, 1.0))
    demand *= 1.0 + 0.25 * (hours - hours[0]) / max(1, hours[-1] - hours[0])  # a growing shop
    year = np.array([t.year for t in local])
    return {"epoch": hours, "demand": demand, "month": month, "slot": month_slot, "bfcm": bfcm, "year": year}


def _draw_orders(*, plan: DemoSeedPlan, rng: np.random.Generator, tz: dt.tzinfo) -> dict[str, Any]:
    n = plan.orders
    grid = _hour_grid(plan, tz)
    picked = rng.choice(len(grid["epoch"]), size=n, p=grid["demand"] / grid["demand"].sum())
    epoch = grid["epoch"][picked] + rng.integers(0, 3600, n)
    order = np.argsort(epoch, kind="stable")
    epoch, picked = epoch[order], picked[order]
    month, slot = grid["month"][picked], grid["slot"][picked]

    # Lines: 1-4 per order, products drawn by category season and popularity; no product twice in an order.
    counts = rng.choice([1, 2, 3, 4], size=n, p=[0.55, 0.28, 0.12, 0.05])
    offsets = np.concatenate(([0], np.cumsum(counts)))
    line_order = np.repeat(np.arange(n), counts)
    prices = np.array([p[3] for p in CATALOG])
    category = np.array([CATEGORIES.index(p[2]) for p in CATALOG])
    status = np.array([p[7] for p in CATALOG])
    popularity = rng.lognormal(0.0, 0.6, len(CATALOG)) * (prices / 5000.0) ** -0.35
    slot_month = np.ones(int(slot.max()) + 1, dtype=np.int64)
    slot_month[slot] = month
    weights = popularity[None, :] * CATEGORY_SEASON[category][:, slot_month - 1].T
    weights[:, status == ProductStatus.DRAFT] = 0.0
    weights[4:, status == ProductStatus.ARCHIVED] = 0.0  # sold out early in the year and archived
    weights /= weights.sum(axis=1, keepdims=True)
    line_slot = slot[line_order]

    def draw(slots: np.ndarray) -> np.ndarray:
        drawn = np.zeros(len(slots), dtype=np.int64)
        for s in np.unique(slots):
            mask = slots == s
            drawn[mask] = rng.choice(len(CATALOG), size=int(mask.sum()), p=weights[s])
        return drawn

    line_product = draw(line_slot)
    position = np.arange(len(line_order)) - offsets[line_order]
    for _ in range(100):
        dup = np.zeros(len(line_order), dtype=bool)
        for k in range(1, 4):
            dup[k:] |= (position[k:] >= k) & (line_product[k:] == line_product[:-k])
        if not dup.any():
            break
        line_product[dup] = draw(line_slot[dup])
    quantity = rng.choice([1, 2, 3], size=len(line_order), p=[0.86, 0.11, 0.03])
    discount = np.where(grid["bfcm"][picked][line_order], 0.8, np.where(rng.random(len(line_order)) < 0.06, 0.9, 1.0))
    unit_price = np.round(prices[line_product] * discount).astype(np.int64)
    amounts = unit_price * quantity
    total = np.add.reduceat(amounts, offsets[:-1])

    # Status: a few cancelled, some refunded (only once a few days have passed), recent ones still pending.
    age = int(plan.end.timestamp()) - epoch
    u = rng.random(n)
    status_code = np.zeros(n, dtype=np.int64)  # 0 paid, 1 cancelled, 2 refunded, 3 partially refunded, 4 pending
    status_code[u < 0.015] = 1
    settled = age > 3 * 86400
    status_code[settled & (u >= 0.015) & (u < 0.040)] = 2
    status_code[settled & (u >= 0.040) & (u < 0.055)] = 3
    status_code[(age < 36 * 3600) & (u >= 0.80)] = 4
    status_code[(status_code == 3) & (total < 2)] = 0  # nothing to refund in part
    last = offsets[1:] - 1
    partial = np.where(
        counts > 1,
        amounts[last],
        np.where(quantity[last] > 1, unit_price[last], np.round(total * rng.uniform(0.2, 0.5, n)).astype(np.int64)),
    )
    refunded = np.select([status_code == 2, status_code == 3], [total, np.clip(partial, 1, total - 1)], 0)

    # Customers: 6% guest checkouts; the rest belong to customers of whom about a third come back 2-6 times.
    guest = rng.random(n) < 0.06
    registered = int((~guest).sum())
    per_customer = rng.choice([1, 2, 3, 4, 5, 6], size=registered, p=[0.66, 0.16, 0.08, 0.05, 0.03, 0.02])
    cut = int(np.searchsorted(np.cumsum(per_customer), registered)) + 1
    per_customer = per_customer[:cut]
    per_customer[-1] -= int(per_customer.sum()) - registered
    slots = rng.permutation(np.repeat(np.arange(cut), per_customer))
    raw_customer = np.full(n, -1, dtype=np.int64)
    raw_customer[~guest] = slots
    _, first_idx = np.unique(raw_customer[~guest], return_index=True)
    first_order = np.flatnonzero(~guest)[first_idx]
    rank = np.empty(cut, dtype=np.int64)
    rank[np.argsort(first_order, kind="stable")] = np.arange(cut)
    customer = np.where(guest, -1, rank[np.maximum(raw_customer, 0)])
    first_order = np.sort(first_order)

    # Where each order came from, with paid and e-mail pushing harder in November and December.
    channel = np.zeros(n, dtype=np.int64)
    base = np.array([c[4] for c in CHANNELS])
    boost = np.array([1.6 if c[1] == "cpc" else 1.5 if c[1] == "email" else 1.0 for c in CHANNELS])
    for m in range(1, 13):
        mask = month == m
        weights = base * (boost if m >= 11 else 1.0)
        channel[mask] = rng.choice(len(CHANNELS), size=int(mask.sum()), p=weights / weights.sum())
    return {
        "epoch": epoch,
        "month": month,
        "year": grid["year"][picked],
        "offsets": offsets,
        "line_product": line_product,
        "quantity": quantity,
        "unit_price": unit_price,
        "total": total,
        "refunded": refunded,
        "status": status_code,
        "customer": customer,
        "n_customers": cut,
        "customer_first": first_order,
        "customer_created": epoch[first_order] - rng.integers(0, 900, cut),
        "customer_names": (rng.integers(0, len(FIRST_NAMES), cut), rng.integers(0, len(LAST_NAMES), cut)),
        "customer_domain": rng.integers(0, len(EMAIL_DOMAINS), cut),
        "customer_marketing": rng.random(cut) < 0.42,
        "customer_visitor": rng.integers(0, 2**63, size=(cut, 2), dtype=np.int64),
        "channel": channel,
        "landing_product": rng.random(n) < 0.7,
        "ad_variant": rng.integers(1, 4, n),
        "tracked": rng.random(n) < 0.8,
        "same_device": rng.random(n) < 0.7,
        "visitor": rng.integers(0, 2**63, size=(n, 2), dtype=np.int64),
        "click_bytes": rng.integers(0, 256, size=(n, 30), dtype=np.uint8),
    }


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


def _write_chunk(
    *, plan: DemoSeedPlan, data: dict[str, Any], lo: int, hi: int, ids: dict[type, int], product_ids: list[int]
) -> None:
    """Insert orders ``lo..hi``, their lines, and the customers whose first order falls among them."""
    store_id = plan.store.id
    c_lo, c_hi = np.searchsorted(data["customer_first"], [lo, hi])
    firsts, lasts = data["customer_names"]
    names = [
        (FIRST_NAMES[f], LAST_NAMES[g])
        for f, g in zip(firsts[c_lo:c_hi].tolist(), lasts[c_lo:c_hi].tolist(), strict=True)
    ]
    created = _timestamps(data["customer_created"][c_lo:c_hi])
    customer_rows = (
        (ids[Customer] + c, store_id, f"C{c + 1:07d}",
         f"{first.lower()}.{last.lower()}{c + 1}@{EMAIL_DOMAINS[d]}", f"{first} {last}", bool(mk), created[i])
        for i, (c, (first, last), d, mk) in enumerate(
            zip(range(c_lo, c_hi), names, data["customer_domain"][c_lo:c_hi].tolist(),
                data["customer_marketing"][c_lo:c_hi].tolist(), strict=True)
        )
    )  # fmt: skip
    fields = ["id", "store", "external_id", "email", "name", "accepts_marketing", "created_at"]
    _insert(Customer, fields, customer_rows)

    offsets = data["offsets"]
    line_product = data["line_product"]
    created = _timestamps(data["epoch"][lo:hi])
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
            campaign = {"social": f"organic-{season}", "cpc": season, "email": f"newsletter-{season}"}[medium]
            content = {"social": f"post-{handle}", "cpc": f"ad-{handle}-v{column['ad_variant'][j]}"}.get(medium, handle)
            term = SEARCH_TERMS[category] if source == "google" else ""
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
    _insert(Order, ORDER_FIELDS, rows)

    a, b = int(offsets[lo]), int(offsets[hi])
    line_order = np.repeat(np.arange(lo, hi), np.diff(offsets[lo : hi + 1]))
    line_rows = (
        (ids[OrderLine] + a + j, store_id, ids[Order] + o, product_ids[p], CATALOG[p][1], q, price)
        for j, (o, p, q, price) in enumerate(
            zip(line_order.tolist(), line_product[a:b].tolist(), data["quantity"][a:b].tolist(),
                data["unit_price"][a:b].tolist(), strict=True)
        )
    )  # fmt: skip
    _insert(OrderLine, ["id", "store", "order", "product", "title", "quantity", "unit_price_minor"], line_rows)
