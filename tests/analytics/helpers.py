"""Touchpoints written straight to the table, as the link redirect and /t/collect write them."""

import datetime as dt
import itertools

from analytics.models import TouchKind, Touchpoint

_ids = itertools.count(1)
T0 = dt.datetime(2026, 2, 1, 15, 30, tzinfo=dt.UTC)  # tests.factories.OrderFactory's order time


def touch(store, *, visitor_id="v-alice-0001", at=None, days_before=1.0, kind=TouchKind.CLICK, **fields):
    """One touchpoint ``days_before`` the factories' order time (or at ``at``)."""
    occurred = at or T0 - dt.timedelta(days=days_before)
    defaults = {"channel": "direct", "platform": ""}
    return Touchpoint.objects.create(
        store=store,
        event_id=f"e-{next(_ids):08d}",
        kind=kind,
        occurred_at=occurred,
        received_at=occurred,
        visitor_id=visitor_id,
        **(defaults | fields),
    )
