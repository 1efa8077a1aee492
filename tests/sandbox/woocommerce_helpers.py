"""What the sandbox WooCommerce tests share: the site's paths, HTTP Basic credentials and a product to sell."""

import base64
import datetime as dt

from sandbox.models import WooProduct, WooSite

HOME = "/sandbox/woocommerce/northwind"
REST = f"{HOME}/wp-json/wc/v3"
NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


def basic(consumer_key: str, consumer_secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{consumer_key}:{consumer_secret}".encode()).decode()}


def socks(site: WooSite, *, price_minor: int = 1500, stock: int = 50) -> WooProduct:
    return WooProduct.objects.create(
        site=site,
        name="Merino Socks",
        slug="merino-socks",
        sku="NW-SOCK",
        regular_price_minor=price_minor,
        stock_quantity=stock,
        date_created_gmt=NOW,
        date_modified_gmt=NOW,
    )
