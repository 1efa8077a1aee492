"""What every demo seed step works from (the plan) and how it reports progress."""

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Protocol

from stores.exceptions import ApplicationError
from stores.models import Store


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
    """A progress bar that shows nothing."""

    def update(self, n: int = 1) -> None:
        return None


def no_progress(desc: str, total: int) -> AbstractContextManager[ProgressBar]:
    """The progress of a step run without a terminal: nothing shown."""
    return nullcontext(_Silent())


def demo_seed_plan(*, store: Store, seed: int, orders: int, end: dt.datetime) -> DemoSeedPlan:
    """A plan covering the twelve months (365 days) before ``end``, an aware datetime."""
    if orders < 1:
        raise ApplicationError("Seed at least one order.", code="demo_orders_invalid")
    end = end.astimezone(dt.UTC)
    return DemoSeedPlan(store=store, seed=seed, start=end - dt.timedelta(days=365), end=end, orders=orders)
