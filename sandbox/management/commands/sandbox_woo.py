from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sandbox.models import WooSite
from sandbox.woocommerce.resources import home_url
from sandbox.woocommerce.seed import sandbox_woo_orders_arrive, sandbox_woo_seed
from sandbox.woocommerce.services import sandbox_woo_site_ensure


class Command(BaseCommand):
    help = (
        "Run the sandbox WooCommerce site at /sandbox/woocommerce/<handle>: `--seed` writes a deterministic history "
        "(no webhooks), `--orders N` places N new orders (delivered to the site's webhooks). Keys come from the "
        "site's key flow (wc-auth/v1/authorize)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--handle", default="northwind", help="the site's handle (created when missing)")
        parser.add_argument("--name", default="", help="the site's name when it is created")
        parser.add_argument("--currency", default="USD", help="the site's currency when it is created")
        parser.add_argument("--timezone", default="America/New_York", help="the site's time zone when it is created")
        parser.add_argument("--seed", action="store_true", help="replace the catalogue and orders with a history")
        parser.add_argument("--products", type=int, default=24)
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--orders-per-day", type=int, default=12)
        parser.add_argument("--random-seed", type=int, default=1, help="the history's seed (same seed, same data)")
        parser.add_argument("--orders", type=int, default=0, help="place this many new orders, with webhooks")

    def handle(self, *args: object, **options: Any) -> None:
        site = sandbox_woo_site_ensure(
            handle=options["handle"],
            name=options["name"],
            currency=options["currency"],
            timezone_string=options["timezone"],
        )
        self.stdout.write(f"Site {site.name}: {home_url(site)}")
        try:
            if options["seed"]:
                summary = sandbox_woo_seed(
                    handle=site.handle,
                    products=options["products"],
                    days=options["days"],
                    orders_per_day=options["orders_per_day"],
                    seed=options["random_seed"],
                )
                self.stdout.write(
                    f"Seeded {summary.products} products ({summary.variations} variations), {summary.customers} "
                    f"customers, {summary.orders} orders, {summary.refunds} refunds."
                )
            if options["orders"]:
                placed = sandbox_woo_orders_arrive(handle=site.handle, count=options["orders"])
                self.stdout.write(f"Placed {len(placed)} orders.")
        except (ValueError, WooSite.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
