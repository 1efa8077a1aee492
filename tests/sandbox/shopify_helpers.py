"""A small sandbox shop, a token of the hub's app for it, and a GraphQL call through Django's test client."""

import datetime as dt
import json
from typing import Any

from django.conf import settings

from platforms.constants import SHOPIFY
from sandbox.models import SandboxToken, ShopifyProduct, ShopifyShop, ShopifyVariant
from sandbox.services import sandbox_app_for_client
from sandbox.shopify.services import Journey, LineSpec, sandbox_shopify_order_place, sandbox_shopify_shop_ensure

DOMAIN = "northwind-test.myshopify.com"
API = "2026-10"
ALL_SCOPES = ["read_products", "read_orders", "read_all_orders", "read_customers", "read_inventory"]


def hub_app():
    return sandbox_app_for_client(platform=SHOPIFY, client_id=settings.PLATFORM_CREDENTIALS[SHOPIFY]["client_id"])


def shop_with_catalogue(domain: str = DOMAIN, *, products: int = 3, variants: int = 2) -> ShopifyShop:
    shop = sandbox_shopify_shop_ensure(domain=domain, name="Northwind Test", currency="USD")
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    for index in range(products):
        product = ShopifyProduct.objects.create(
            shop=shop,
            title=f"Product {index}",
            handle=f"product-{index}",
            product_type="Socks",
            tags=["wool"],
            image_url=f"https://cdn.example/p{index}.jpg",
            created_at=now,
            updated_at=now + dt.timedelta(hours=index),
        )
        for position in range(variants):
            ShopifyVariant.objects.create(
                product=product,
                title=f"Size {position}",
                sku=f"SKU-{index}-{position}",
                position=position + 1,
                price_minor=1999 + 100 * position,
                inventory_quantity=50,
                unit_cost_minor=800,
            )
    return shop


def place_order(shop: ShopifyShop, *, email: str = "ava@example.com", quantity: int = 2, now=None):
    variant = ShopifyVariant.objects.filter(product__shop=shop).order_by("pk").first()
    return sandbox_shopify_order_place(
        shop=shop,
        email=email,
        lines=[LineSpec(variant_id=variant.pk, quantity=quantity, discount_minor=200)],
        discount_codes=("WELCOME10",),
        shipping_minor=500,
        tax_rate=0.1,
        journey=Journey(
            landing_page="https://northwind.example/products/product-0?utm_source=tiktok&utm_medium=social",
            referrer_url="https://www.tiktok.com/",
            source="TikTok",
            utm={"source": "tiktok", "medium": "social", "campaign": "launch"},
        ),
        attributes={"gh_visitor": "v-123"},
        now=now,
    )


def token_for(shop: ShopifyShop, scopes: list[str] | None = None) -> SandboxToken:
    return SandboxToken.objects.create(
        platform=SHOPIFY,
        app=hub_app(),
        account=shop.account,
        access_token=f"shpat_test_{shop.pk}_{SandboxToken.objects.count()}",
        scopes=ALL_SCOPES if scopes is None else scopes,
    )


def graphql(client, shop: ShopifyShop, token: str, query: str, variables: dict[str, Any] | None = None):
    return client.post(
        f"/sandbox/shopify/{shop.domain}/admin/api/{API}/graphql.json",
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        HTTP_X_SHOPIFY_ACCESS_TOKEN=token,
    )
