"""Orders and refunds placed at a sandbox shop: stock, totals, statuses, and refusals that change nothing."""

import pytest

from sandbox.models import ShopifyOrder, ShopifyRefund, ShopifyVariant, ShopifyWebhookDelivery
from sandbox.shopify.services import (
    LineSpec,
    ShopifyChangeInvalid,
    sandbox_shopify_order_place,
    sandbox_shopify_order_refund,
)
from tests.sandbox.shopify_helpers import DOMAIN, place_order, shop_with_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return shop_with_catalogue()


def _state(shop=None):
    variants = ShopifyVariant.objects.filter(product__shop=shop) if shop else ShopifyVariant.objects.all()
    return (
        ShopifyOrder.objects.count(),
        ShopifyRefund.objects.count(),
        list(variants.order_by("pk").values_list("inventory_quantity", flat=True)),
        ShopifyWebhookDelivery.objects.count(),
    )


def test_a_refund_returns_what_was_paid_for_the_units_and_restocks_them(shop):
    # given an order of two units at 19.99 with 2.00 off the line
    order = place_order(shop)
    line = order.lines.get()

    # when one unit is refunded, then the other
    first = sandbox_shopify_order_refund(order=order, lines={line.pk: 1})
    order.refresh_from_db()
    status_after_first = order.financial_status
    sandbox_shopify_order_refund(order=order, lines={line.pk: 1})
    order.refresh_from_db()

    # then each returns half the line's paid amount, the stock is back and the order moved to refunded in part
    assert first.amount_minor == (1999 * 2 - 200) // 2
    assert status_after_first == "PARTIALLY_REFUNDED"
    assert order.financial_status == "PARTIALLY_REFUNDED"  # shipping and tax were not refunded
    assert ShopifyVariant.objects.get(pk=line.variant_id).inventory_quantity == 50


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda shop, variant: {"lines": []}, id="no lines"),
        pytest.param(lambda shop, variant: {"lines": [LineSpec(variant.pk, quantity=0)]}, id="zero units"),
        pytest.param(lambda shop, variant: {"lines": [LineSpec(variant.pk, quantity=1001)]}, id="too many units"),
        pytest.param(lambda shop, variant: {"lines": [LineSpec(variant.pk, discount_minor=10**7)]}, id="discount"),
        pytest.param(lambda shop, variant: {"email": "not-an-email"}, id="bad email"),
        pytest.param(lambda shop, variant: {"discount_codes": ("X" * 256,)}, id="long code"),
        pytest.param(lambda shop, variant: {"shipping_minor": -1}, id="negative shipping"),
        pytest.param(
            lambda shop, variant: {
                "lines": [LineSpec(shop_with_catalogue("other-x.myshopify.com").products.first().variants.first().pk)]
            },
            id="another shop's variant",
        ),
    ],
)
def test_an_order_that_cannot_be_placed_changes_nothing(shop, change):
    variant = ShopifyVariant.objects.filter(product__shop=shop).first()
    arguments = {"shop": shop, "email": "ava@example.com", "lines": [LineSpec(variant.pk)], **change(shop, variant)}
    before = _state(shop)

    # when the order is placed, then it is refused with a reason and nothing changed
    with pytest.raises(ShopifyChangeInvalid):
        sandbox_shopify_order_place(**arguments)
    assert _state(shop) == before


def test_refunding_more_than_remains_changes_nothing(shop):
    order = place_order(shop)
    line = order.lines.get()
    before = _state()

    # when three units of a two-unit line are refunded
    with pytest.raises(ShopifyChangeInvalid, match="2 units left"):
        sandbox_shopify_order_refund(order=order, lines={line.pk: 3})

    # then there is no refund and the stock is as it was
    assert _state() == before


def test_oauth_parameters_longer_than_2000_characters_are_refused(client, shop):
    # when the install page is asked with an overlong state, and the token endpoint with an overlong code
    page = client.get(f"/sandbox/shopify/{DOMAIN}/admin/oauth/authorize", {"client_id": "x", "state": "s" * 2001})
    token = client.post(f"/sandbox/shopify/{DOMAIN}/admin/oauth/access_token", {"code": "c" * 2001})

    # then both say which parameter is too long
    assert page.status_code == 400 and b"state is longer than 2000" in page.content
    assert token.status_code == 400 and "code is longer" in token.json()["error_description"]
