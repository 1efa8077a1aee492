"""How many signed Shopify webhook deliveries the web server accepts a second, at a concurrency of 8, with none lost.

The script makes a fresh database (a temporary SQLite file, or ``--database-url``), migrates it, creates a store
connected to a Shopify shop, and starts gunicorn on 127.0.0.1 with the configuration production uses
(``growthhub.gunicorn_conf``). It then sends ``--deliveries`` orders/create deliveries, each with its own webhook id
and a valid HMAC, from 8 threads, and times them; the floor is ``/healthz`` (a bare view, no database) asked as many
times at the same concurrency in the same run. Afterwards every answered delivery must be a stored row (0 lost),
queued for the worker (no worker runs: the deliveries stay ``received`` for it). Usage::

    .venv/bin/python bench/webhook_throughput.py                       # 5,000 deliveries on SQLite
    .venv/bin/python bench/webhook_throughput.py --deliveries 2000 \
        --database-url postgres://postgres@127.0.0.1/gh_bench \
        --redis-url redis://127.0.0.1:6379/14
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from _server import free_port, gunicorn, manage

SHOP = "bench-shop.myshopify.com"
SECRET = "growthhub-shopify-secret"  # the sandbox app's client secret: the built-in default of the settings
CONCURRENCY = 8

SETUP = f"""
from stores.models import PlatformConnection, Store
store = Store.objects.create(name="Bench", slug="bench", currency="USD", timezone="UTC")
connection = PlatformConnection(store=store, platform="shopify", external_account_id="{SHOP}")
connection.access_token = "shpat_bench"
connection.save()
"""
COUNT = """
from stores.models import WebhookDelivery
print(WebhookDelivery.objects.count(), WebhookDelivery.objects.values("delivery_id").distinct().count())
"""


def order_body(number: int) -> bytes:
    order_id = 9_000_000_000 + number
    return json.dumps(
        {
            "id": order_id,
            "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
            "name": f"#{number}",
            "created_at": "2026-12-01T10:00:00Z",
            "updated_at": "2026-12-01T10:00:00Z",
            "currency": "USD",
            "total_price": "42.50",
            "financial_status": "paid",
            "line_items": [{"id": number, "title": "Merino Trail Sock", "quantity": 2, "price": "21.25"}],
        }
    ).encode()


def signed(number: int) -> tuple[bytes, dict[str, str]]:
    body = order_body(number)
    signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    return body, {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": signature,
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-Webhook-Id": f"bench-{number:08d}",
        "X-Shopify-API-Version": "2026-10",
    }


def timed(count: int, send: "callable") -> tuple[float, list[int]]:
    """Run ``send(n)`` for n in range(count) on CONCURRENCY threads (one HTTP session each); seconds and statuses."""
    local = threading.local()

    def call(number: int) -> int:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return send(local.session, number)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        statuses = list(pool.map(call, range(count)))
    return time.perf_counter() - started, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deliveries", type=int, default=5000)
    parser.add_argument("--database-url", default="", help="a fresh, empty database (default: a temporary SQLite)")
    parser.add_argument("--redis-url", default="", help="the broker and cache (default: the filesystem broker)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (WEB_CONCURRENCY)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="growthhub-bench-") as var_dir:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env.update(
            {
                "DEBUG": "1",
                "GROWTHHUB_VAR_DIR": var_dir,
                "LOG_LEVEL": "WARNING",
                "WEB_CONCURRENCY": str(args.workers),
                # Every delivery comes from 127.0.0.1 here; Shopify sends from many addresses.
                "STORE_WEBHOOK_RATE": "1000000/m",
            }
        )
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        if args.redis_url:
            env["REDIS_URL"] = args.redis_url
        manage(["migrate", "--noinput", "-v", "0"], env)
        manage(["shell", "-v", "0", "-c", SETUP], env)
        with gunicorn(free_port(), env) as url:
            timed(200, lambda s, n: s.get(f"{url}/healthz", timeout=30).status_code)  # warm both workers
            floor_seconds, floor_statuses = timed(
                args.deliveries, lambda s, n: s.get(f"{url}/healthz", timeout=30).status_code
            )

            def deliver(session: requests.Session, number: int) -> int:
                body, headers = signed(number)
                return session.post(f"{url}/webhooks/shopify/", data=body, headers=headers, timeout=30).status_code

            seconds, statuses = timed(args.deliveries, deliver)
        stored, distinct = (int(x) for x in manage(["shell", "-v", "0", "-c", COUNT], env).split())
    accepted = statuses.count(200)
    backend = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    backend += " + Redis" if args.redis_url else " + the filesystem broker"
    print(f"backend: {backend}, gunicorn workers: {args.workers} x 4 threads, concurrency: {CONCURRENCY}")
    print(
        f"floor /healthz: {args.deliveries} requests in {floor_seconds:.2f} s"
        f" = {args.deliveries / floor_seconds:,.0f}/s"
        f" ({floor_statuses.count(200)} answered 200)"
    )
    print(
        f"webhooks: {args.deliveries} deliveries in {seconds:.2f} s = {accepted / seconds:,.0f} accepted/s"
        f" ({accepted} answered 200, other answers: {sorted(set(statuses) - {200})})"
    )
    print(f"ratio to the floor: {(accepted / seconds) / (args.deliveries / floor_seconds):.2f}")
    print(f"stored: {stored} deliveries ({distinct} distinct ids); lost: {accepted - distinct}")
    if accepted != args.deliveries or distinct != accepted:
        raise SystemExit("deliveries were refused or lost")


if __name__ == "__main__":
    main()
