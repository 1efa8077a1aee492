"""Shopify payloads shaped like the Admin API's (GraphQL nodes, bulk JSONL lines, REST webhook bodies)."""

from typing import Any

SHOP = "northwind.myshopify.com"


def money(amount: str, currency: str = "USD") -> dict[str, Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": currency}}


def line_node(number: int, *, price: str = "19.99", quantity: int = 2, discounted: str = "34.98") -> dict[str, Any]:
    return {
        "id": f"gid://shopify/LineItem/{number}",
        "name": f"Linen shirt - M #{number}",
        "sku": f"LS-M-{number}",
        "quantity": quantity,
        "originalUnitPriceSet": money(price),
        "discountedTotalSet": money(discounted),
        "variant": {"id": "gid://shopify/ProductVariant/4401"},
        "product": {"id": "gid://shopify/Product/8801"},
    }


def order_node(number: int = 1001, *, with_lines: bool = True, currency: str = "USD") -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": f"gid://shopify/Order/{number}",
        "name": f"#{number}",
        "createdAt": "2026-11-20T14:03:00Z",
        "processedAt": "2026-11-20T14:03:01Z",
        "updatedAt": "2026-11-21T09:00:00Z",
        "cancelledAt": None,
        "test": False,
        "currencyCode": currency,
        "displayFinancialStatus": "PARTIALLY_REFUNDED",
        "totalPriceSet": money("44.97", currency),
        "subtotalPriceSet": money("34.98", currency),
        "totalDiscountsSet": money("5.00", currency),
        "totalShippingPriceSet": money("7.00", currency),
        "totalTaxSet": money("2.99", currency),
        "totalRefundedSet": money("10.00", currency),
        "discountCodes": ["WELCOME5"],
        "customAttributes": [{"key": "gh_visitor", "value": "v-123"}],
        "customerJourneySummary": {
            "ready": True,
            "firstVisit": {
                "landingPage": "https://northwind.example/?utm_source=pinterest",
                "referrerUrl": "https://pinterest.com/",
                "source": "pinterest",
                "utmParameters": {
                    "source": "pinterest",
                    "medium": "social",
                    "campaign": None,
                    "content": None,
                    "term": None,
                },
            },
            "lastVisit": {
                "landingPage": "https://northwind.example/products/linen?utm_source=tiktok&utm_medium=social",
                "referrerUrl": "https://www.tiktok.com/",
                "source": "tiktok",
                "utmParameters": {
                    "source": "tiktok",
                    "medium": "social",
                    "campaign": "spring",
                    "content": "p-42",
                    "term": None,
                },
            },
        },
        "customer": {"id": "gid://shopify/Customer/501", "defaultEmailAddress": {"emailAddress": "ada@example.com"}},
        "refunds": [
            {
                "id": "gid://shopify/Refund/77",
                "createdAt": "2026-11-21T08:59:00Z",
                "note": "too small",
                "totalRefundedSet": money("10.00", currency),
            }
        ],
    }
    if with_lines:
        node["lineItems"] = {"nodes": [line_node(number * 10 + 1)]}
    return node
