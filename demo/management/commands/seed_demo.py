"""Seed the demo store: the demo user, Northwind Outfitters and a year of its trade.

The seed runs as explicit steps, each taking the plan (store, generator seed, period) and returning a summary
line. The shop step fills the sandbox's Shopify shop with a year of trade; the connect step, which needs the demo
server and its worker running (scripts/demo starts them first), installs Growth Hub on that shop and waits for the
catalogue and orders to sync, as a merchant's store would; the later steps (posts, campaigns) build on the synced
catalogue.
"""

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from demo.connect import demo_connect_seed
from demo.connections import demo_connections_reset, demo_connections_seed
from demo.seed.ads import demo_ads_reset, demo_ads_seed
from demo.seed.commerce import demo_commerce_seed
from demo.seed.plan import DemoSeedPlan, ProgressBar, demo_seed_plan
from demo.seed.social import demo_social_reset, demo_social_seed
from demo.seed.store import demo_store_ensure, demo_store_reset, demo_store_seeded
from stores.exceptions import ApplicationError

SeedStep = Callable[..., str]
# In order: each step may read what the steps before it wrote.
SEED_STEPS: list[tuple[str, SeedStep]] = [
    ("shop", demo_commerce_seed),
    ("connections", demo_connections_seed),
    ("connect", demo_connect_seed),
    ("social", demo_social_seed),
    ("ads", demo_ads_seed),
]
# --reset runs these in order, so the data of later steps goes before the orders it points at. The sandbox shop
# is replaced by the shop step itself.
RESET_STEPS: list[Callable[..., None]] = [
    demo_social_reset,
    demo_ads_reset,
    demo_store_reset,
    demo_connections_reset,
]


def _end_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _progress(desc: str, total: int) -> AbstractContextManager[ProgressBar]:
    """A bar on stderr; tqdm turns itself off when stderr is not a terminal."""
    return tqdm(total=total, desc=desc, unit="", unit_scale=True, file=sys.stderr, disable=None, dynamic_ncols=True)


class Command(BaseCommand):
    help = (
        "Create the demo user and the Northwind Outfitters store: a year of trade at the sandbox's Shopify shop, "
        "synced into the store through a real install, then a year of posts and campaigns. Needs the demo server "
        "and its worker running (scripts/demo)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=int, default=12_000, help="How many orders to seed (default 12000).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed; the same seed gives the same data.")
        parser.add_argument(
            "--end-date",
            type=_end_date,
            help="Last day of the seeded year (YYYY-MM-DD, in the store's time zone); default: now.",
        )
        parser.add_argument(
            "--shop-only",
            action="store_true",
            help="Only write the year at the sandbox's Shopify shop (no server needed); the store syncs it once "
            "connected (manage.py demo_connect).",
        )
        when = parser.add_mutually_exclusive_group()
        when.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the demo store is seeded; what an interrupted earlier seed left is cleared first.",
        )
        when.add_argument("--reset", action="store_true", help="Delete the demo store's data first.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            store = demo_store_ensure(email=settings.DEMO_USER_EMAIL, password=settings.DEMO_USER_PASSWORD)
            if options["if_empty"] and demo_store_seeded(store=store):
                self.stdout.write(f"{store.name} is already seeded; nothing seeded.")
            else:
                end = timezone.now()
                if options["end_date"] is not None:
                    next_day = options["end_date"] + dt.timedelta(days=1)
                    end = dt.datetime.combine(next_day, dt.time(), tzinfo=store.tzinfo)
                plan: DemoSeedPlan = demo_seed_plan(
                    store=store, seed=options["seed"], orders=options["orders"], end=end
                )
                if options["reset"] or options["if_empty"]:
                    for reset in RESET_STEPS:
                        reset(store=store)
                steps = SEED_STEPS[:1] if options["shop_only"] else SEED_STEPS
                for name, step in steps:
                    summary = step(plan=plan, progress=_progress)
                    self.stdout.write(f"{name}: {summary}")
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Demo login: {settings.DEMO_USER_EMAIL} / {settings.DEMO_USER_PASSWORD}")
