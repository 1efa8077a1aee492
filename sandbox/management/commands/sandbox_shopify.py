import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sandbox.shopify.seed import DEMO_SHOP, sandbox_shopify_order_arrive, sandbox_shopify_seed
from sandbox.shopify.services import sandbox_shopify_shop_ensure


class Command(BaseCommand):
    help = (
        "Run the sandbox Shopify shop at /sandbox/shopify/<domain>: `--seed` writes a deterministic history (no "
        "webhooks), `--orders N` places N new orders now (queued to the shop's webhook subscriptions), "
        "`--shoppers-every S` keeps placing one about every S seconds until stopped (the running demo's shoppers)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--domain", default=DEMO_SHOP, help="the shop's <handle>.myshopify.com")
        parser.add_argument("--currency", default="USD", help="the shop's currency when it is created")
        parser.add_argument("--timezone", default="America/New_York", help="the shop's IANA zone when it is created")
        parser.add_argument("--seed", action="store_true", help="replace the catalogue and orders with a history")
        parser.add_argument("--products", type=int, default=24)
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--orders-per-day", type=int, default=8)
        parser.add_argument("--random-seed", type=int, default=1, help="the history's seed (same seed, same data)")
        parser.add_argument("--orders", type=int, default=0, help="place this many new orders (1-1000)")
        parser.add_argument(
            "--shoppers-every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="then place one order about every SECONDS (5-3600, drawn around it) until stopped",
        )

    def handle(self, *args: object, **options: Any) -> None:
        domain = options["domain"].strip().lower()
        if not domain.endswith(".myshopify.com") or len(domain) > 80:
            raise CommandError("The domain is <handle>.myshopify.com (at most 80 characters).")
        if not 0 <= options["orders"] <= 1000:
            raise CommandError("--orders is between 0 and 1000.")
        every = options["shoppers_every"]
        if every and not 5 <= every <= 3600:
            raise CommandError("--shoppers-every is between 5 and 3600 seconds.")
        shop = sandbox_shopify_shop_ensure(
            domain=domain, currency=options["currency"], iana_timezone=options["timezone"]
        )
        self.stdout.write(f"Shop {shop.name}: /sandbox/shopify/{shop.domain}/")
        try:
            if options["seed"]:
                summary = sandbox_shopify_seed(
                    domain=shop.domain,
                    products=options["products"],
                    days=options["days"],
                    orders_per_day=options["orders_per_day"],
                    seed=options["random_seed"],
                )
                self.stdout.write(
                    f"Seeded {summary.products} products ({summary.variants} variants), {summary.customers} "
                    f"customers, {summary.orders} orders, {summary.refunds} refunds."
                )
            for _ in range(options["orders"]):
                sandbox_shopify_order_arrive(domain=shop.domain)
            if options["orders"]:
                self.stdout.write(f"Placed {options['orders']} orders.")
            if every:
                self._shoppers(domain=shop.domain, every=every)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    def _shoppers(self, *, domain: str, every: float) -> None:
        """One order at a time, each wait drawn between half and one and a half ``every`` (a shop's orders do not
        come by the clock, and a demo should not sit through a long lull either)."""
        self.stdout.write(f"Placing an order about every {every:g} s at {domain}; Ctrl-C stops.")
        self.stdout.flush()
        rng = random.Random()
        try:
            while True:
                time.sleep(rng.uniform(every / 2, every * 3 / 2))
                order = sandbox_shopify_order_arrive(domain=domain)
                self.stdout.write(f"Order #{order.number} placed.")
                self.stdout.flush()
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")
