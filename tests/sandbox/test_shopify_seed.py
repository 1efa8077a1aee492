"""The sandbox Shopify seed: a deterministic history, bounded arguments, and one order arriving now with webhooks."""

import datetime as dt
from unittest.mock import patch

import pytest
from django.core.management import CommandError, call_command

from sandbox.models import (
    ShopifyOrder,
    ShopifyOrderLine,
    ShopifyProduct,
    ShopifyRefund,
    ShopifyShop,
    ShopifyWebhookDelivery,
    ShopifyWebhookSubscription,
)
from sandbox.shopify.seed import DEMO_SHOP, sandbox_shopify_order_arrive, sandbox_shopify_seed
from tests.sandbox.shopify_helpers import hub_app

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def _fingerprint():
    orders = ShopifyOrder.objects.order_by("number")
    return [
        (o.number, o.total_minor, o.created_at, tuple(o.discount_codes), o.utm.get("source"), o.financial_status)
        for o in orders
    ]


def test_the_same_seed_gives_the_same_year_of_orders():
    # when the demo shop is seeded twice with the same seed over a year
    first = sandbox_shopify_seed(products=10, days=365, orders_per_day=2, seed=3, now=NOW)
    first_orders = _fingerprint()
    second = sandbox_shopify_seed(products=10, days=365, orders_per_day=2, seed=3, now=NOW)

    # then both histories are identical, span the year, and hold lines, journeys, codes and refunds
    assert first == second
    assert _fingerprint() == first_orders
    shop = ShopifyShop.objects.get(domain=DEMO_SHOP)
    created = ShopifyOrder.objects.filter(shop=shop).values_list("created_at", flat=True)
    assert min(created) < NOW - dt.timedelta(days=350) and max(created) <= NOW
    assert first.orders == ShopifyOrder.objects.count() > 500
    assert ShopifyOrderLine.objects.filter(order__shop=shop).count() >= first.orders
    assert ShopifyRefund.objects.count() == first.refunds > 0
    assert ShopifyOrder.objects.exclude(discount_codes=[]).exists()
    assert ShopifyOrder.objects.filter(utm__source="tiktok").exists()
    assert ShopifyProduct.objects.count() == 10


def test_another_seed_gives_another_history():
    sandbox_shopify_seed(products=5, days=30, orders_per_day=3, seed=1, now=NOW)
    first = _fingerprint()
    sandbox_shopify_seed(products=5, days=30, orders_per_day=3, seed=2, now=NOW)
    assert _fingerprint() != first


def test_a_history_written_a_day_at_a_time_is_the_one_written_in_one_go():
    # given the same seed written in one chunk, then a day's orders at a time
    histories = []
    for chunk_days in (1000, 1):
        with patch("sandbox.shopify.seed.SEED_CHUNK_DAYS", chunk_days):
            summary = sandbox_shopify_seed(products=6, days=40, orders_per_day=6, seed=11, now=NOW)
        lines = ShopifyOrderLine.objects.order_by("order__number", "pk")
        refunds = ShopifyRefund.objects.order_by("order__number")
        histories.append(
            (
                summary,
                _fingerprint(),
                [(li.order.number, li.sku, li.quantity, li.discount_minor) for li in lines],
                [(r.order.number, r.amount_minor, r.created_at, r.lines.get().line.sku) for r in refunds],
            )
        )
    # then both are the same history, refunds and their lines included
    assert histories[0] == histories[1]
    assert histories[0][0].refunds > 0


@pytest.mark.parametrize(
    "arguments", [{"products": 0}, {"days": 731}, {"orders_per_day": -1}, {"orders_per_day": 3001}]
)
def test_out_of_bounds_arguments_change_nothing(arguments):
    # given a seeded shop
    sandbox_shopify_seed(products=3, days=5, orders_per_day=1, seed=1, now=NOW)
    before = _fingerprint()

    # when a seed is asked with an argument out of bounds
    with pytest.raises(ValueError, match="bounds"):
        sandbox_shopify_seed(**{"products": 3, "days": 5, "orders_per_day": 1, "seed": 9, **arguments}, now=NOW)

    # then the history is untouched
    assert _fingerprint() == before


def test_an_arriving_order_is_placed_now_and_queued_to_the_subscriptions(django_capture_on_commit_callbacks):
    # given the seeded demo shop subscribed to orders/create
    sandbox_shopify_seed(products=4, days=3, orders_per_day=1, seed=1, now=NOW)
    shop = ShopifyShop.objects.get(domain=DEMO_SHOP)
    ShopifyWebhookSubscription.objects.create(
        shop=shop, app=hub_app(), topic="ORDERS_CREATE", uri="https://hub.example/hook", api_version="2026-10"
    )
    count = ShopifyOrder.objects.count()

    # when one order arrives
    order = sandbox_shopify_order_arrive(now=NOW + dt.timedelta(hours=1))

    # then it is the shop's newest, paid, with a journey, and one delivery waits for the subscription
    assert ShopifyOrder.objects.count() == count + 1
    assert order.number == max(ShopifyOrder.objects.values_list("number", flat=True))
    assert order.financial_status == "PAID" and order.landing_page
    assert ShopifyWebhookDelivery.objects.filter(topic="orders/create").count() == 1
    # and the visitor id sits in the cart attribute the storefront snippet writes (the hub reads that key)
    assert [attribute["key"] for attribute in order.custom_attributes] == ["_gh_visitor"]
    assert all(o.custom_attributes[0]["key"] == "_gh_visitor" for o in ShopifyOrder.objects.all())


def test_the_command_seeds_the_demo_shop_and_places_orders(capsys):
    # when the command seeds five days and places two orders now
    call_command(
        "sandbox_shopify", "--seed", "--products", "4", "--days", "5", "--orders-per-day", "2", "--orders", "2"
    )

    # then it reports both and the shop holds the history and the two new orders
    out = capsys.readouterr().out
    seeded = int(out.split(" orders, ")[0].rsplit(" ", 1)[1])
    assert "Placed 2 orders." in out
    assert ShopifyOrder.objects.filter(shop__domain=DEMO_SHOP).count() == seeded + 2


def test_the_command_refuses_a_domain_that_is_not_a_shop():
    with pytest.raises(CommandError, match="myshopify.com"):
        call_command("sandbox_shopify", "--domain", "evil.example.com")
    assert not ShopifyShop.objects.exists()


def test_shoppers_keep_placing_orders_until_stopped(monkeypatch, capsys):
    # given the seeded demo shop, and a clock whose fourth wait is interrupted by Ctrl-C
    sandbox_shopify_seed(products=3, days=2, orders_per_day=1, seed=1, now=NOW)
    before = ShopifyOrder.objects.count()
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 4:
            raise KeyboardInterrupt

    monkeypatch.setattr("sandbox.management.commands.sandbox_shopify.time.sleep", sleep)
    # when the demo's shoppers run about every 30 seconds
    call_command("sandbox_shopify", "--shoppers-every", "30")
    # then three orders were placed, one after each wait, the waits drawn (not the clock's), and it stopped cleanly
    assert ShopifyOrder.objects.count() == before + 3
    assert len(set(waits)) == 4 and all(15 <= w <= 45 for w in waits)
    out = capsys.readouterr().out
    assert out.count(" placed.") == 3 and out.rstrip().endswith("Stopped.")


@pytest.mark.parametrize("every", ["1", "7200"])
def test_shoppers_at_an_unreasonable_pace_are_refused(every):
    with pytest.raises(CommandError, match="between 5 and 3600 seconds"):
        call_command("sandbox_shopify", "--shoppers-every", every)
    assert not ShopifyOrder.objects.exists()
