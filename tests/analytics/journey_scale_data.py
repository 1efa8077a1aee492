"""A store's worth of orders and touchpoints written fast (bulk inserts), for the journey-building scale test and
``bench/journey_build.py``: ``orders`` orders of ``orders * 0.6`` customers, each order's visitor with three
touches in the days before it (a paid click, an organic post click, a product view) and one touch in three outside
the 30-day window."""

import datetime as dt
import random

from analytics.models import TouchKind, Touchpoint
from stores.models import Customer, Order, Store

T_END = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
CHANNELS = (("paid_social", "meta"), ("organic_social", "instagram"), ("paid_search", "google"), ("email", ""))


def scale_store_write(*, store: Store, orders: int, seed: int = 11, batch: int = 5000) -> int:
    """Write the orders and their touches; returns the number of touchpoints written."""
    rng = random.Random(seed)
    customers = Customer.objects.bulk_create(
        [
            Customer(store=store, external_id=f"c{n}", created_at=T_END - dt.timedelta(days=365))
            for n in range(max(1, int(orders * 0.6)))
        ],
        batch_size=batch,
    )
    order_rows, touch_rows, written = [], [], 0
    for n in range(orders):
        created = T_END - dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
        visitor = f"v-{n:010d}"
        order_rows.append(
            Order(
                store=store,
                external_id=f"o{n}",
                customer=customers[rng.randrange(len(customers))],
                total_minor=rng.randrange(1000, 20000),
                currency="USD",
                created_at=created,
                visitor_id=visitor,
                utm_source="meta_ads",
                utm_medium="paid_social",
            )
        )
        for k in range(3):
            channel, platform = CHANNELS[rng.randrange(len(CHANNELS))]
            days = rng.uniform(0.01, 45 if k == 0 else 20)
            touch_rows.append(
                Touchpoint(
                    store=store,
                    event_id=f"e{n}-{k}",
                    kind=TouchKind.PRODUCT_VIEW if k == 2 else TouchKind.CLICK,
                    occurred_at=created - dt.timedelta(days=days),
                    received_at=created - dt.timedelta(days=days),
                    visitor_id=visitor,
                    channel=channel,
                    platform=platform,
                )
            )
        if len(order_rows) >= batch:
            Order.objects.bulk_create(order_rows, batch_size=batch)
            Touchpoint.objects.bulk_create(touch_rows, batch_size=batch)
            written += len(touch_rows)
            order_rows, touch_rows = [], []
    Order.objects.bulk_create(order_rows, batch_size=batch)
    Touchpoint.objects.bulk_create(touch_rows, batch_size=batch)
    return written + len(touch_rows)
