"""A year of the demo shop's orders as arrays: when, what, how much, by whom and from where.

Everything is drawn from one numpy generator in a fixed order, so the same seed and period give the same orders;
``draw_orders`` runs the steps (times, lines, statuses, customers, channels, per-order details) in that order.
"""

import datetime as dt
from typing import Any

import numpy as np

from demo.seed.catalog import (
    CATALOG,
    CATEGORIES,
    CATEGORY_SEASON,
    CHANNELS,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    MONTH_DEMAND,
    WEEKDAY_DEMAND,
    WEEKDAY_HOURS,
    WEEKEND_HOURS,
)
from demo.seed.plan import DemoSeedPlan
from stores.models import ProductStatus


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


def draw_orders(*, plan: DemoSeedPlan, rng: np.random.Generator, tz: dt.tzinfo) -> dict[str, Any]:
    """Every order of the plan as arrays (by order, by line, by customer), in order of creation time."""
    n = plan.orders
    grid = _hour_grid(plan, tz)
    epoch, picked = _draw_times(grid=grid, n=n, rng=rng)
    month, slot = grid["month"][picked], grid["slot"][picked]
    lines = _draw_lines(n=n, month=month, slot=slot, bfcm=grid["bfcm"][picked], rng=rng)
    status, refunded = _draw_statuses(plan=plan, epoch=epoch, lines=lines, rng=rng)
    customer, first_order, cut = _draw_customers(n=n, rng=rng)
    channel = _draw_channels(month=month, rng=rng)
    return {
        "epoch": epoch,
        "month": month,
        "year": grid["year"][picked],
        "offsets": lines["offsets"],
        "line_product": lines["product"],
        "quantity": lines["quantity"],
        "unit_price": lines["unit_price"],
        "total": lines["total"],
        "refunded": refunded,
        "status": status,
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


def _draw_times(*, grid: dict[str, np.ndarray], n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Each order's creation time (epoch seconds, ascending) and the index of its hour in the grid."""
    picked = rng.choice(len(grid["epoch"]), size=n, p=grid["demand"] / grid["demand"].sum())
    epoch = grid["epoch"][picked] + rng.integers(0, 3600, n)
    order = np.argsort(epoch, kind="stable")
    return epoch[order], picked[order]


def _draw_lines(
    *, n: int, month: np.ndarray, slot: np.ndarray, bfcm: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Lines: 1-4 per order, products drawn by category season and popularity; no product twice in an order."""
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
    discount = np.where(bfcm[line_order], 0.8, np.where(rng.random(len(line_order)) < 0.06, 0.9, 1.0))
    unit_price = np.round(prices[line_product] * discount).astype(np.int64)
    amounts = unit_price * quantity
    total = np.add.reduceat(amounts, offsets[:-1])
    return {
        "counts": counts,
        "offsets": offsets,
        "product": line_product,
        "quantity": quantity,
        "unit_price": unit_price,
        "amounts": amounts,
        "total": total,
    }


def _draw_statuses(
    *, plan: DemoSeedPlan, epoch: np.ndarray, lines: dict[str, np.ndarray], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Status codes and refunded amounts: a few cancelled, some refunded (only once a few days have passed),
    recent ones still pending. Codes: 0 paid, 1 cancelled, 2 refunded, 3 partially refunded, 4 pending."""
    n = len(epoch)
    counts, offsets, total = lines["counts"], lines["offsets"], lines["total"]
    age = int(plan.end.timestamp()) - epoch
    u = rng.random(n)
    status_code = np.zeros(n, dtype=np.int64)
    status_code[u < 0.015] = 1
    settled = age > 3 * 86400
    status_code[settled & (u >= 0.015) & (u < 0.040)] = 2
    status_code[settled & (u >= 0.040) & (u < 0.055)] = 3
    status_code[(age < 36 * 3600) & (u >= 0.80)] = 4
    status_code[(status_code == 3) & (total < 2)] = 0  # nothing to refund in part
    last = offsets[1:] - 1
    partial = np.where(
        counts > 1,
        lines["amounts"][last],
        np.where(
            lines["quantity"][last] > 1,
            lines["unit_price"][last],
            np.round(total * rng.uniform(0.2, 0.5, n)).astype(np.int64),
        ),
    )
    refunded = np.select([status_code == 2, status_code == 3], [total, np.clip(partial, 1, total - 1)], 0)
    return status_code, refunded


def _draw_customers(*, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, int]:
    """Each order's customer index (-1 for a guest), each customer's first order, and how many customers.

    6% guest checkouts; the rest belong to customers of whom about a third come back 2-6 times. Customers are
    numbered in the order of their first order.
    """
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
    return customer, np.sort(first_order), cut


def _draw_channels(*, month: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Where each order came from (an index into CHANNELS), paid and e-mail pushing harder in November
    and December."""
    channel = np.zeros(len(month), dtype=np.int64)
    base = np.array([c[4] for c in CHANNELS])
    boost = np.array([1.6 if c[1] == "cpc" else 1.5 if c[1] == "email" else 1.0 for c in CHANNELS])
    for m in range(1, 13):
        mask = month == m
        weights = base * (boost if m >= 11 else 1.0)
        channel[mask] = rng.choice(len(CHANNELS), size=int(mask.sum()), p=weights / weights.sum())
    return channel
