"""How long a Shopify history backfill takes through the sandbox's bulk operation, phase by phase, with none lost.

The script makes a fresh database (a temporary SQLite file, or ``--database-url``: an empty database of your own),
migrates it, seeds the sandbox Shopify shop with about ``--orders`` orders over a year (``sandbox_shopify_seed``,
seed 42), mints the shop's access token through the sandbox's own install services and connects a hub store with it,
then starts gunicorn on 127.0.0.1 serving the sandbox (``growthhub.gunicorn_conf``). It times the backfill as the hub
runs it (``store_backfill_step``), over HTTP:

1. start: ``bulkOperationRunQuery`` (the hub's ``backfill_start``);
2. bulk run: the sandbox's bulk operation writing its JSONL, run inline in a subprocess of its own (as the sandbox's
   Celery task would; no worker runs);
3. download: the hub streaming the JSONL into its spool (``backfill_orders`` up to its first record);
4. ingest: the spool read back joined and written in batches (``orders_ingest_batch``).

Download and ingest run in this process; its peak RSS (``ru_maxrss``) is theirs, since nothing else here holds data.
The floor, measured in the same run afterwards, is the same result file read by the hub's client with no write
(download, parse, spool, join, map to records), and the ratio is download + ingest to it. Finally the hub must hold
exactly the shop's orders and lines (0 lost). On SQLite, ``--keep-seed FILE`` saves the seeded database and
``--seed-from FILE`` starts a later run from a copy of it instead of seeding (the seed is not timed either way).
Usage::

    .venv/bin/python bench/backfill_scale.py                          # about 1,000,000 orders on SQLite
    .venv/bin/python bench/backfill_scale.py --orders 20000
    .venv/bin/python bench/backfill_scale.py --orders 1000000 --keep-seed /tmp/shop-1m.sqlite3
    .venv/bin/python bench/backfill_scale.py --seed-from /tmp/shop-1m.sqlite3
    .venv/bin/python bench/backfill_scale.py --database-url postgres://postgres@127.0.0.1:5432/gh_backfill_bench
"""

import argparse
import os
import platform
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from _server import ROOT, free_port, gunicorn, manage

SHOP = "bench-backfill.myshopify.com"
DAYS = 365
MAX_PER_DAY = 3000  # sandbox_shopify_seed's bound
SEED = 42

SETUP = """
import datetime as dt
from django.conf import settings
from platforms.shopify.oauth import ShopifyOAuth
from sandbox.models import SandboxApp, SandboxAuthCode
from sandbox.services import sandbox_bootstrap
from sandbox.shopify.oauth import shopify_code_redeem
from sandbox.shopify.seed import sandbox_shopify_seed
from stores.models import PlatformConnection, Store

sandbox_bootstrap()
summary = sandbox_shopify_seed(domain="{shop}", products=40, days={days}, orders_per_day={per_day}, seed={seed},
                               now=dt.datetime(2026, 12, 4, tzinfo=dt.UTC))
shop = __import__("sandbox.models", fromlist=["ShopifyShop"]).ShopifyShop.objects.get(domain="{shop}")
app = SandboxApp.objects.get(platform="shopify", client_id=settings.PLATFORM_CREDENTIALS["shopify"]["client_id"])
code = SandboxAuthCode.objects.create(platform="shopify", app=app, account=shop.account, code="bench-install",
    redirect_uri="http://127.0.0.1/callback", scopes=list(ShopifyOAuth.scopes),
    expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))
token = shopify_code_redeem(app=app, shop=shop, code=code.code, expiring=False)
store = Store.objects.create(name="Bench", slug="bench", currency="USD", timezone="America/New_York")
connection = PlatformConnection(store=store, platform="shopify", external_account_id="{shop}")
connection.access_token = token.access_token
connection.save()
print(summary.orders, summary.customers, summary.refunds)
"""
BULK_RUN = """
import resource
from sandbox.models import ShopifyBulkOperation
from sandbox.shopify.bulk import shopify_bulk_operation_run
from sandbox.shopify.schema import admin_schema
operation = shopify_bulk_operation_run(operation_id={operation_id}, schema=admin_schema())
print(operation.status or "-", operation.error_code or "-", operation.object_count, operation.result_size,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (its WAL included) through SQLite's backup API."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def rss_mb() -> float:
    """This process's peak resident set so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TimedClient:
    """The hub's client, noting when the backfill's first record comes out of the spool (the download's end)."""

    def __init__(self, client: object) -> None:
        self._client = client
        self.first_record_at: float | None = None

    def __getattr__(self, name: str) -> object:
        return getattr(self._client, name)

    def backfill_orders(self, status: object):
        for record in self._client.backfill_orders(status):
            if self.first_record_at is None:
                self.first_record_at = time.perf_counter()
            yield record


def database_size(env: dict[str, str], var_dir: str) -> int:
    if not env.get("DATABASE_URL"):
        return sum(p.stat().st_size for p in Path(var_dir).glob("growthhub.sqlite3*"))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def run_backfill(url: str, env: dict[str, str], var_dir: str) -> dict[str, float | int | str]:
    """The timed phases, in this process (Django set up against the bench database)."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings

    # DEBUG=1 lets the settings load without production's secrets; the worker that ingests in production runs
    # without it, so this process does not keep Django's log of every query either.
    settings.DEBUG = False
    from sandbox.models import ShopifyBulkOperation, ShopifyOrder, ShopifyOrderLine
    from stores.commerce.sync import store_backfill_step, store_client
    from stores.models import Order, OrderLine, PlatformConnection

    connection = PlatformConnection.objects.get(external_account_id=SHOP)
    figures: dict[str, float | int | str] = {"rss_before_mb": rss_mb()}
    client = TimedClient(store_client(connection=connection))
    started = time.perf_counter()
    state = store_backfill_step(connection=connection, client=client)
    figures["start_s"] = time.perf_counter() - started
    if state != "running":
        raise SystemExit(f"the backfill did not start: {state}")
    operation = ShopifyBulkOperation.objects.get(shop__domain=SHOP)
    started = time.perf_counter()
    status, error_code, objects, size, bulk_rss = manage(
        ["shell", "-v", "0", "-c", BULK_RUN.format(operation_id=operation.pk)], env
    ).split()
    figures.update(bulk_s=time.perf_counter() - started, bulk_objects=int(objects), jsonl_bytes=int(size))
    figures["bulk_rss_mb"] = int(bulk_rss) / 1024
    if status != "COMPLETED":
        raise SystemExit(f"the bulk operation ended {status} {error_code}")
    started = time.perf_counter()
    state = store_backfill_step(connection=connection, client=client)
    ended = time.perf_counter()
    if state != "done" or client.first_record_at is None:
        raise SystemExit(f"the backfill ended {state}")
    figures.update(download_s=client.first_record_at - started, ingest_s=ended - client.first_record_at)
    figures["rss_peak_mb"] = rss_mb()
    figures["db_bytes"] = database_size(env, var_dir)
    # The floor: the same file read by the hub's client with nothing written.
    plain = store_client(connection=connection)
    status = plain.backfill_status(connection.store_sync.backfill_operation_id)
    started = time.perf_counter()
    read = sum(1 for _ in plain.backfill_orders(status))
    figures.update(floor_s=time.perf_counter() - started, floor_orders=read)
    figures["shop_orders"] = ShopifyOrder.objects.filter(shop__domain=SHOP).count()
    figures["shop_lines"] = ShopifyOrderLine.objects.filter(order__shop__domain=SHOP).count()
    figures["hub_orders"] = Order.objects.filter(store=connection.store).count()
    figures["hub_lines"] = OrderLine.objects.filter(store=connection.store).count()
    figures["refused"] = connection.store_sync.backfill_error
    return figures


def report(figures: dict[str, float | int | str], args: argparse.Namespace, seed_s: float | None) -> None:
    orders = int(figures["shop_orders"])
    backend = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    hub_s = float(figures["download_s"]) + float(figures["ingest_s"])
    total = float(figures["start_s"]) + float(figures["bulk_s"]) + hub_s
    print(f"backend: {backend}; Python {platform.python_version()}; {os.cpu_count()} CPUs")
    seeded = f"copied from {args.seed_from}" if seed_s is None else f"in {seed_s:.1f} s"
    print(f"sandbox seed: {orders:,} orders, {int(figures['shop_lines']):,} lines {seeded} (not timed below)")
    print(f"start (bulkOperationRunQuery): {float(figures['start_s']):.2f} s")
    print(
        f"bulk run at the sandbox: {float(figures['bulk_s']):.1f} s, {int(figures['bulk_objects']):,} JSONL lines,"
        f" {int(figures['jsonl_bytes']) / 1e6:,.0f} MB, {orders / float(figures['bulk_s']):,.0f} orders/s,"
        f" peak RSS {float(figures['bulk_rss_mb']):,.0f} MB"
    )
    print(
        f"download into the spool: {float(figures['download_s']):.1f} s"
        f" = {int(figures['bulk_objects']) / float(figures['download_s']):,.0f} lines/s"
    )
    print(f"ingest: {float(figures['ingest_s']):.1f} s = {orders / float(figures['ingest_s']):,.0f} orders/s")
    print(f"hub (download + ingest): {hub_s:.1f} s = {orders / hub_s:,.0f} orders/s; whole backfill {total:.1f} s")
    print(
        f"peak RSS of the ingesting process: {float(figures['rss_peak_mb']):,.0f} MB"
        f" (before the backfill: {float(figures['rss_before_mb']):,.0f} MB)"
    )
    print(f"database size after the backfill: {int(figures['db_bytes']) / 1e6:,.0f} MB (sandbox shop included)")
    print(
        f"floor (the same file read, parsed, spooled, joined, no write): {float(figures['floor_s']):.1f} s"
        f" = {int(figures['floor_orders']) / float(figures['floor_s']):,.0f} orders/s;"
        f" ratio of download + ingest to it: {hub_s / float(figures['floor_s']):.2f}"
    )
    lost = orders - int(figures["hub_orders"])
    print(
        f"hub holds {int(figures['hub_orders']):,} of {orders:,} orders (lost: {lost}),"
        f" {int(figures['hub_lines']):,} of {int(figures['shop_lines']):,} lines;"
        f" refused: {figures['refused'] or 'none'}"
    )
    if lost or figures["hub_lines"] != figures["shop_lines"] or figures["floor_orders"] != orders:
        raise SystemExit("orders or lines were lost")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000, help="about this many orders over a year")
    parser.add_argument("--database-url", default="", help="a fresh, empty database (default: a temporary SQLite)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (WEB_CONCURRENCY)")
    parser.add_argument("--keep-seed", default="", help="SQLite: save the seeded database to this file for --seed-from")
    parser.add_argument(
        "--seed-from", default="", help="SQLite: start from a database --keep-seed saved instead of seeding (untimed)"
    )
    args = parser.parse_args()
    if (args.keep_seed or args.seed_from) and args.database_url:
        parser.error("--keep-seed and --seed-from are for the SQLite database only")
    if not DAYS <= args.orders <= MAX_PER_DAY * DAYS:
        parser.error(
            f"--orders must be between {DAYS} and {MAX_PER_DAY * DAYS:,}: the sandbox seed draws at most"
            f" {MAX_PER_DAY} orders a day, over a year here."
        )
    with tempfile.TemporaryDirectory(prefix="growthhub-bench-") as var_dir:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env.update(
            {
                "DEBUG": "1",
                "GROWTHHUB_VAR_DIR": var_dir,
                "LOG_LEVEL": "WARNING",
                "WEB_CONCURRENCY": str(args.workers),
                "SITE_URL": url,
                "SANDBOX_BASE_URL": f"{url}/sandbox",
                "DJANGO_SETTINGS_MODULE": "growthhub.settings",
                # A large result file takes longer than the default 30 s read timeout to stream.
                "PLATFORM_HTTP_READ_TIMEOUT": "600",
            }
        )
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        database = Path(var_dir) / "growthhub.sqlite3"
        if args.seed_from:
            sqlite_copy(Path(args.seed_from), database)
            manage(["migrate", "--noinput", "-v", "0"], env)
            seed_s = None
        else:
            manage(["migrate", "--noinput", "-v", "0"], env)
            started = time.perf_counter()
            setup = SETUP.format(shop=SHOP, days=DAYS, per_day=args.orders // DAYS, seed=SEED)
            manage(["shell", "-v", "0", "-c", setup], env)
            seed_s = time.perf_counter() - started
            if args.keep_seed:
                sqlite_copy(database, Path(args.keep_seed))
        with gunicorn(port, env, timeout=900) as url:
            os.environ.clear()
            os.environ.update(env)
            figures = run_backfill(url, env, var_dir)
    report(figures, args, seed_s)


if __name__ == "__main__":
    main()
