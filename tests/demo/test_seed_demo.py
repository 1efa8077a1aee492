"""``manage.py seed_demo``: the demo user and Northwind Outfitters, whose year of trade is written to the sandbox's
Shopify shop (shaped like a real shop's: seasons, returning customers, the traffic that brought each order) and
reaches the store the way a merchant's does, by installing Growth Hub on the shop and syncing it over HTTP.

The tests of the year's shape read the sandbox shop the commerce step wrote; the tests of the whole seed run it
with the demo's server (``demo_server``) and read what the store synced."""

import collections
import datetime as dt
import hashlib
import io
import zoneinfo
from urllib.parse import parse_qsl, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Sum
from django.utils import timezone

from ads.models import AdCampaign
from demo.seed.commerce import demo_commerce_seed
from demo.seed.plan import demo_seed_plan
from demo.seed.store import DEMO_SHOP, DEMO_STORE_SLUG, demo_store_ensure
from platforms.constants import SHOPIFY
from sandbox.models import (
    ShopifyCustomer,
    ShopifyOrder,
    ShopifyOrderLine,
    ShopifyProduct,
    ShopifyRefund,
    ShopifyShop,
    ShopifyVariant,
)
from sandbox.services import sandbox_bootstrap
from sandbox.shopify.seed import sandbox_shopify_order_arrive
from social.models import SocialPost
from stores.links import click_ids_from_url
from stores.models import (
    BackfillState,
    ConnectionStatus,
    Customer,
    Membership,
    Order,
    OrderStatus,
    PlatformConnection,
    Product,
    Refund,
    Role,
    Store,
)
from tests.factories import MembershipFactory, OrderFactory, OrderLineFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# Organic sources and the ad platforms by their slugs (the link vocabulary of stores.links).
SOCIAL_AND_AD_SOURCES = {"tiktok", "instagram", "pinterest", "x", "facebook", "meta_ads", "google_ads", "tiktok_ads"}
END = dt.datetime(2026, 11, 27, tzinfo=NEW_YORK)
# The store's order status for each of the shop's financial statuses.
STATUSES = {
    "PAID": OrderStatus.PAID,
    "VOIDED": OrderStatus.CANCELLED,
    "REFUNDED": OrderStatus.REFUNDED,
    "PARTIALLY_REFUNDED": OrderStatus.PARTIALLY_REFUNDED,
    "PENDING": OrderStatus.PENDING,
}


SEEDED = (ShopifyOrder, ShopifyCustomer, ShopifyOrderLine)


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def shop_seed(*, orders: int = 2000, seed: int = 7, end: dt.datetime = END) -> str:
    """The commerce step alone: the demo shop's year at the sandbox (no server needed)."""
    store = demo_store_ensure(email="demo@example.com", password="demo-password-1")
    return demo_commerce_seed(plan=demo_seed_plan(store=store, seed=seed, orders=orders, end=end))


def demo_store() -> Store:
    return Store.objects.get(slug=DEMO_STORE_SLUG)


def shop_orders():
    return ShopifyOrder.objects.filter(shop__domain=DEMO_SHOP)


def shop_digest() -> str:
    """A fingerprint of everything the commerce step wrote at the shop, by handles, e-mails and order numbers."""
    h = hashlib.sha256()
    for row in ShopifyProduct.objects.filter(shop__domain=DEMO_SHOP).order_by("handle").values_list(
        "handle", "title", "description", "status", "product_type", "tags", "image_url", "created_at",
        "variants__sku", "variants__price_minor", "variants__unit_cost_minor", "variants__inventory_quantity",
    ):  # fmt: skip
        h.update(repr(row).encode())
    for row in (
        ShopifyCustomer.objects.filter(shop__domain=DEMO_SHOP)
        .order_by("email")
        .values_list("email", "first_name", "last_name", "marketing_state", "created_at")
    ):
        h.update(repr(row).encode())
    for row in shop_orders().order_by("number").values_list(
        "number", "customer__email", "total_minor", "financial_status", "created_at", "cancelled_at", "landing_page",
        "referrer_url", "visit_source", "utm", "custom_attributes",
    ):  # fmt: skip
        h.update(repr(row).encode())
    lines = ShopifyOrderLine.objects.filter(order__shop__domain=DEMO_SHOP).order_by("order__number", "pk")
    for row in lines.values_list("order__number", "product__handle", "name", "sku", "quantity", "unit_price_minor"):
        h.update(repr(row).encode())
    refunds = ShopifyRefund.objects.filter(order__shop__domain=DEMO_SHOP)
    refund_lines = refunds.values_list(
        "order__number", "amount_minor", "created_at", "lines__line__sku", "lines__quantity", "lines__subtotal_minor"
    )
    for row in refund_lines.order_by("order__number", "lines__line__sku"):
        h.update(repr(row).encode())
    return h.hexdigest()


def refunded(order: ShopifyOrder) -> int:
    return sum(refund.amount_minor for refund in order.refunds.all())


def test_the_same_seed_and_end_date_give_the_same_shop_again():
    # given the demo shop's year
    shop_seed()
    first = shop_digest()
    # when the commerce step writes it again with the same seed and end date
    shop_seed()
    # then every product, customer, order, line and refund is the same, and written once
    assert shop_digest() == first
    assert shop_orders().count() == 2000


def test_another_seed_gives_other_orders():
    shop_seed()
    first = shop_digest()
    shop_seed(seed=8)
    assert shop_digest() != first


def test_the_seeded_shop_looks_like_a_real_shop():
    # given the demo shop's 2000 orders for the year up to 26 November 2026
    summary = shop_seed()
    store = demo_store()
    shop = ShopifyShop.objects.get(domain=DEMO_SHOP)
    # then the store and its shop are Northwind Outfitters, in dollars and New York time
    assert (store.name, store.currency, store.timezone, store.storefront_domain) == (
        "Northwind Outfitters", "USD", "America/New_York", "shop.northwind.example"
    )  # fmt: skip
    assert (shop.name, shop.currency, shop.iana_timezone, shop.primary_domain) == (
        "Northwind Outfitters", "USD", "America/New_York", "https://shop.northwind.example"
    )  # fmt: skip
    # and about forty products in six categories, each cheaper to make than to sell, with the sandbox's images
    products = ShopifyProduct.objects.filter(shop=shop)
    assert products.count() == 40
    assert set(products.values_list("product_type", flat=True)) == {
        "Apparel", "Footwear", "Outdoor Gear", "Accessories", "Home", "Nutrition"
    }  # fmt: skip
    assert set(products.values_list("status", flat=True)) == {"ACTIVE", "DRAFT", "ARCHIVED"}
    assert not ShopifyVariant.objects.filter(product__shop=shop, unit_cost_minor__gte=F("price_minor")).exists()
    images = products.values_list("image_url", flat=True)
    assert all(url.endswith("-800x800.jpg") and "/sandbox/media/" in url for url in images)
    # and exactly the orders asked for, inside the year
    orders = shop_orders()
    assert orders.count() == 2000
    assert not orders.filter(created_at__lt=END - dt.timedelta(days=365)).exists()
    assert not orders.filter(created_at__gte=END).exists()
    lines = ShopifyOrderLine.objects.filter(order__shop=shop).count()
    assert f"2000 orders ({lines} lines" in summary
    # and every order's total is the sum of its lines, with one to four distinct products
    by_order = orders.annotate(
        lines_total=Sum(F("lines__quantity") * F("lines__unit_price_minor")),
        line_count=Count("lines"),
        product_count=Count("lines__product", distinct=True),
    )
    assert not by_order.exclude(total_minor=F("lines_total")).exists()
    assert set(by_order.values_list("line_count", flat=True)) == {1, 2, 3, 4}
    assert not by_order.exclude(line_count=F("product_count")).exists()


def test_refunds_and_cancellations_are_recorded_as_the_shop_records_them():
    # given the demo shop's year
    shop_seed()
    orders = shop_orders().prefetch_related("refunds__lines")
    statuses = collections.Counter(orders.values_list("financial_status", flat=True))
    # then a few percent are refunded in full or in part, or cancelled
    assert statuses["REFUNDED"] > 0 and statuses["PARTIALLY_REFUNDED"] > 0 and statuses["VOIDED"] > 0
    assert 0.02 < (statuses["REFUNDED"] + statuses["PARTIALLY_REFUNDED"]) / 2000 < 0.06
    # and a refund is a row of its own, days after the order, for what its status says
    for order in orders:
        paid_back = refunded(order)
        if order.financial_status == "REFUNDED":
            assert paid_back == order.total_minor
        elif order.financial_status == "PARTIALLY_REFUNDED":
            assert 0 < paid_back < order.total_minor
        else:
            assert paid_back == 0
        for refund in order.refunds.all():
            assert order.created_at < refund.created_at < END
            assert sum(line.subtotal_minor for line in refund.lines.all()) == refund.amount_minor
    assert not orders.filter(financial_status="VOIDED", cancelled_at__isnull=True).exists()


def test_some_customers_come_back_two_to_six_times():
    # given the demo shop's year
    shop_seed()
    customers = ShopifyCustomer.objects.filter(shop__domain=DEMO_SHOP)
    counts = collections.Counter(customers.annotate(n=Count("orders")).values_list("n", flat=True))
    # then most customers buy once, and the rest two to six times
    assert set(counts) == {1, 2, 3, 4, 5, 6}
    assert 0.5 < counts[1] / sum(counts.values()) < 0.8
    # and a customer exists from their first order on
    assert not customers.filter(orders__created_at__lt=F("created_at")).exists()
    # and a few orders are guest checkouts
    assert shop_orders().filter(customer__isnull=True).exists()


def test_orders_follow_the_seasons_and_the_week():
    # given the demo shop's year
    shop_seed()
    created = [t.astimezone(NEW_YORK) for t in shop_orders().values_list("created_at", flat=True)]
    by_month = collections.Counter(t.month for t in created)
    # then December sells more than an average month, and July more than January
    assert by_month[12] > 2000 / 12 * 1.2
    assert by_month[7] > by_month[1]
    # and the small hours are quiet next to the evening
    by_hour = collections.Counter(t.hour for t in created)
    assert by_hour[20] > 3 * by_hour[3]
    # and a weekend day sells more than a Thursday
    by_weekday = collections.Counter(t.weekday() for t in created)
    assert by_weekday[6] > by_weekday[3]


def test_orders_carry_the_journey_that_brought_them():
    # given the demo shop's year
    shop_seed()
    orders = list(shop_orders())
    tagged = [o for o in orders if o.utm]
    # then about half the orders came through a tagged link, the rest direct or from a search
    assert 0.4 < len(tagged) / 2000 < 0.7
    assert {o.utm["medium"] for o in tagged} == {"social", "paid_social", "cpc", "email"}
    assert {o.utm["source"] for o in tagged if o.utm["medium"] != "email"} == SOCIAL_AND_AD_SOURCES
    # and the landing page carries the tags, and paid clicks the platform's click id
    for order in tagged:
        query = dict(parse_qsl(urlsplit(order.landing_page).query))
        assert {k.removeprefix("utm_"): v for k, v in query.items() if k.startswith("utm_")} == order.utm
        paid = order.utm["medium"] in ("cpc", "paid_social")
        click = {"google_ads": "gclid", "meta_ads": "fbclid", "tiktok_ads": "ttclid"}.get(order.utm["source"])
        assert (click in query) == paid
    assert all("term" in o.utm for o in tagged if o.utm["source"] == "google_ads")
    assert all(o.landing_page.startswith("https://shop.northwind.example/") for o in orders)
    # and most orders were seen by the storefront snippet, which put the visitor id in the cart attributes
    seen = [o for o in orders if o.custom_attributes]
    assert 0.7 < len(seen) / 2000 < 0.9
    assert {a["key"] for o in seen for a in o.custom_attributes} == {"_gh_visitor"}


def test_the_store_syncs_the_shop_through_a_real_install_and_mirrors_it(demo_server):
    # when the whole seed runs with the demo's server up
    output = seed("--orders", "300", "--seed", "7", "--end-date", "2026-11-26")
    store = demo_store()
    # then the store installed Growth Hub on the demo shop and synced its catalogue and year of orders
    assert f"connect: 8 of 8 connections active; 40 products and 300 orders synced from {DEMO_SHOP}" in output
    connection = PlatformConnection.objects.get(store=store, platform=SHOPIFY)
    assert (connection.external_account_id, connection.status) == (DEMO_SHOP, ConnectionStatus.ACTIVE)
    assert connection.store_sync.backfill_status == BackfillState.DONE
    # and each product is the shop's, with its price, cost, stock and status
    shop_products = {
        p.title: (v.price_minor, v.unit_cost_minor, v.inventory_quantity, p.status.lower())
        for p in ShopifyProduct.objects.filter(shop__domain=DEMO_SHOP).prefetch_related("variants")
        for v in p.variants.all()
    }
    assert {
        p.title: (p.price_minor, p.unit_cost_minor, p.inventory_quantity, p.status)
        for p in Product.objects.filter(store=store)
    } == shop_products
    # and each order is the shop's: money, refunds as rows, status, journey, click id and visitor
    synced = {o.name: o for o in Order.objects.filter(store=store)}
    assert len(synced) == 300
    for order in shop_orders().prefetch_related("refunds"):
        mine = synced[f"#{order.number}"]
        assert (mine.total_minor, mine.refunded_minor, mine.status) == (
            order.total_minor, refunded(order), STATUSES[order.financial_status]
        )  # fmt: skip
        assert mine.created_at == order.created_at
        assert {k: getattr(mine, f"utm_{k}") for k in order.utm} == order.utm
        assert mine.landing_url == order.landing_page
        assert mine.click_ids == click_ids_from_url(order.landing_page)
        attributes = {a["key"]: a["value"] for a in order.custom_attributes}
        assert mine.visitor_id == attributes.get("_gh_visitor", "")
    assert Order.objects.filter(store=store).exclude(click_ids={}).exists()
    assert Refund.objects.filter(store=store).count() == ShopifyRefund.objects.count()
    assert Customer.objects.filter(store=store).count() == ShopifyCustomer.objects.count()
    # and the year of posts and campaigns was planned on the synced catalogue
    titles = set(shop_products)
    assert SocialPost.objects.filter(store=store).exists() and AdCampaign.objects.filter(store=store).exists()
    assert {p.product.title for p in SocialPost.objects.filter(store=store).select_related("product")} <= titles
    assert {c.product.title for c in AdCampaign.objects.filter(store=store).select_related("product")} <= titles


def test_without_the_demo_server_the_seed_says_what_to_start(settings):
    # given no server answering at the sandbox's address
    settings.PLATFORM_MODE = "sandbox"
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox"
    settings.SITE_URL = "http://127.0.0.1:9"
    sandbox_bootstrap()
    # when the seed runs, then it stops at the connect step and says why
    with pytest.raises(CommandError, match="start it with scripts/demo"):
        seed("--orders", "30", "--end-date", "2026-11-26")
    # and the store got nothing it could not sync
    assert not Order.objects.exists() and not SocialPost.objects.exists()


def store_orders() -> list[tuple]:
    return list(
        Order.objects.filter(store=demo_store()).order_by("name").values_list("name", "total_minor", "created_at")
    )


def test_if_empty_leaves_a_seeded_store_alone(demo_server):
    # given a seeded store
    seed("--orders", "120", "--seed", "7", "--end-date", "2026-11-26")
    before, shop_before = store_orders(), shop_digest()
    # when the demo start script runs the seed again with --if-empty and another seed
    output = seed("--orders", "500", "--seed", "9", "--if-empty")
    # then nothing was added or changed, in the store or at its shop
    assert "is already seeded; nothing seeded" in output
    assert store_orders() == before and len(before) == 120
    assert shop_digest() == shop_before


def test_if_empty_seeds_a_store_without_orders(demo_server):
    # given no demo store yet
    # when the start script runs the seed with --if-empty
    seed("--orders", "300", "--if-empty")
    # then the store has its orders, ending now
    orders = Order.objects.filter(store=demo_store())
    assert orders.count() == 300
    now = timezone.now()
    assert not orders.filter(created_at__gt=now).exists()
    assert not orders.filter(created_at__lt=now - dt.timedelta(days=365)).exists()


def test_if_empty_clears_what_an_interrupted_seed_left_and_seeds_again(demo_server):
    # given a first start stopped during the sync: the shop connected, its catalogue in, no order or campaign yet
    seed("--orders", "60", "--seed", "7", "--end-date", "2026-11-26")
    store = demo_store()
    AdCampaign.objects.filter(store=store).delete()
    Order.objects.filter(store=store).delete()
    # when the start script runs the seed again with --if-empty
    output = seed("--orders", "80", "--seed", "7", "--end-date", "2026-11-26", "--if-empty")
    # then the demo store is seeded whole, once: the new year's orders, one shop connection, campaigns again
    assert "connect: 8 of 8 connections active; 40 products and 80 orders synced" in output
    assert Order.objects.filter(store=store).count() == 80
    assert PlatformConnection.objects.filter(store=store, platform=SHOPIFY).count() == 1
    assert Product.objects.filter(store=store).count() == 40
    assert AdCampaign.objects.filter(store=store).exists()


def test_the_demo_user_owns_the_store_and_can_log_in_by_email(demo_server, client, settings):
    # given a seeded store
    output = seed("--orders", "100", "--end-date", "2026-11-26")
    # then the command prints the login
    assert f"Demo login: {settings.DEMO_USER_EMAIL} / {settings.DEMO_USER_PASSWORD}" in output
    # and the user owns the store, with a verified primary e-mail address
    membership = Membership.objects.get(user__email=settings.DEMO_USER_EMAIL)
    assert (membership.store.slug, membership.role) == (DEMO_STORE_SLUG, Role.OWNER)
    address = EmailAddress.objects.get(email=settings.DEMO_USER_EMAIL)
    assert (address.verified, address.primary) == (True, True)
    # when they log in with e-mail and password
    assert client.login(email=settings.DEMO_USER_EMAIL, password=settings.DEMO_USER_PASSWORD)
    # then the hub opens on the demo store
    response = client.get("/hub/")
    assert response.status_code == 200
    assert "Northwind Outfitters" in response.content.decode()


def test_a_second_run_restores_the_demo_password_and_keeps_one_owner(demo_server, settings):
    # given a seeded store whose demo user changed the password
    seed("--orders", "100", "--end-date", "2026-11-26")
    membership = Membership.objects.get(user__email=settings.DEMO_USER_EMAIL)
    membership.user.set_password("something-else-entirely")
    membership.user.save()
    # when the seed runs again
    seed("--if-empty")
    # then the printed login works again, and nothing was duplicated
    membership.user.refresh_from_db()
    assert membership.user.check_password(settings.DEMO_USER_PASSWORD)
    assert Membership.objects.filter(store=membership.store).count() == 1
    assert EmailAddress.objects.filter(email=settings.DEMO_USER_EMAIL).count() == 1


def test_a_demo_address_that_signed_up_under_another_username_becomes_the_demo_user(demo_server, settings):
    # given someone who signed up with the demo address and got another username
    user = UserFactory(email=settings.DEMO_USER_EMAIL, username="demo")
    # when the seed runs
    seed("--orders", "30", "--end-date", "2026-11-26")
    # then that user owns the demo store, and no second user holds the address
    assert Membership.objects.get(store=demo_store()).user == user
    assert get_user_model().objects.filter(email=settings.DEMO_USER_EMAIL).count() == 1


def test_the_seed_refuses_a_northwind_store_that_belongs_to_someone_else():
    # given a merchant's own store that took the demo's slug
    store = StoreFactory(name="Northwind Bikes", slug=DEMO_STORE_SLUG)
    MembershipFactory(store=store, user=UserFactory(email="merchant@bikes.test"), role=Role.OWNER)
    # when the seed runs
    with pytest.raises(CommandError, match="belongs to someone else"):
        seed("--orders", "100")
    # then nothing was written into it
    assert not Order.objects.filter(store=store).exists()
    assert not Product.objects.filter(store=store).exists()
    assert Membership.objects.filter(store=store).count() == 1


def test_seeding_a_store_with_data_again_asks_for_a_reset(demo_server):
    # given a seeded store
    seed("--orders", "100", "--end-date", "2026-11-26")
    # when the seed runs again without --reset or --if-empty
    with pytest.raises(CommandError, match="reset it before seeding again"):
        seed("--orders", "100", "--end-date", "2026-11-26")
    # then the store still has its first orders only
    assert Order.objects.filter(store=demo_store()).count() == 100


def test_reset_keeps_other_stores_data(demo_server):
    # given another store's order and a seeded demo store
    other = OrderFactory(store=StoreFactory(slug="contoso"))
    seed("--orders", "100", "--end-date", "2026-11-26")
    # when the demo store is reset and seeded smaller
    seed("--orders", "50", "--end-date", "2026-11-26", "--reset")
    # then the demo store has the new orders and the other store kept its own
    assert Order.objects.filter(store=demo_store()).count() == 50
    assert Order.objects.filter(pk=other.pk).exists()
    assert Customer.objects.filter(pk=other.customer_id).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--orders", "0"], "at least one order"),
        (["--end-date", "2026-13-01"], "is not a date"),
        (["--reset", "--if-empty"], "not allowed with argument"),
    ],
    ids=["zero orders are refused", "an impossible end date is refused", "reset and if-empty exclude each other"],
)
def test_bad_arguments_are_refused_and_seed_nothing(args, message):
    # when the seed is given bad arguments
    with pytest.raises(CommandError, match=message):
        seed(*args)
    # then no orders were written, in the store or at the sandbox shop
    assert not Order.objects.exists() and not ShopifyOrder.objects.exists()


def test_the_commerce_step_reports_progress_by_orders():
    # given a plan for 120 orders and a progress recorder
    store = demo_store_ensure(email="demo@example.com", password="demo-password-1")
    plan = demo_seed_plan(store=store, seed=1, orders=120, end=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    updates = []

    class Bar:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, n=1):
            updates.append(n)

    # when the commerce step runs
    summary = demo_commerce_seed(plan=plan, progress=lambda desc, total: Bar())
    # then the bar advanced by every order
    assert sum(updates) == 120
    assert summary.startswith("40 products, ")


def test_outside_a_transaction_the_shop_step_commits_and_restores_sqlite_durability():
    # given a database connection outside any transaction
    from django.db import connection

    def synchronous() -> int | None:
        if connection.vendor != "sqlite":
            return None
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            return cursor.fetchone()[0]

    before = synchronous()
    # when the shop step runs
    shop_seed(orders=200)
    # then the orders are committed and SQLite's durability setting is back to what it was
    assert shop_orders().count() == 200
    assert synchronous() == before


def test_reset_lets_django_cascade_when_other_rows_point_at_the_demo_rows(demo_server):
    # given a seeded demo store and an order line elsewhere that points at one of its products
    seed("--orders", "50", "--end-date", "2026-11-26")
    product = Product.objects.filter(store=demo_store()).first()
    elsewhere = OrderLineFactory(order=OrderFactory(store=StoreFactory(slug="contoso")), product=product)
    # when the demo store is reset and seeded again
    seed("--orders", "60", "--end-date", "2026-11-26", "--reset")
    # then the other store's line stays and lost only its link to the deleted product
    elsewhere.refresh_from_db()
    assert (elsewhere.product_id, elsewhere.title) == (None, product.title)
    assert Order.objects.filter(store=demo_store()).count() == 60


def test_reset_on_a_fresh_install_just_seeds(demo_server):
    # given no demo store yet
    # when the seed runs with --reset
    output = seed("--orders", "40", "--end-date", "2026-11-26", "--reset")
    # then the store is created and seeded
    assert "40 orders" in output
    assert Order.objects.filter(store=demo_store()).count() == 40


def test_the_commerce_step_runs_without_a_progress_bar():
    # given a plan for a small store
    store = demo_store_ensure(email="demo@example.com", password="demo-password-1")
    plan = demo_seed_plan(store=store, seed=3, orders=30, end=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    # when the commerce step runs with no progress factory
    summary = demo_commerce_seed(plan=plan)
    # then it writes the orders all the same, at the shop and not in the store
    assert shop_orders().count() == 30 and not Order.objects.exists()
    assert " 30 orders " in summary


def test_rows_created_at_the_shop_after_the_seed_get_fresh_ids():
    # given the demo shop written with ids allocated by the seed
    shop_seed(orders=40)
    top = {model: model.objects.order_by("-pk").values_list("pk", flat=True).first() for model in SEEDED}
    # when a shopper places an order there afterwards (a new customer, an order with a line)
    order = sandbox_shopify_order_arrive(domain=DEMO_SHOP)
    # then its rows get ids after the seeded ones instead of colliding with them
    assert order.pk > top[ShopifyOrder] and order.customer.pk > top[ShopifyCustomer]
    assert order.lines.first().pk > top[ShopifyOrderLine]


def test_shop_only_writes_the_sandbox_shop_without_a_server():
    # when the seed runs with --shop-only and no server anywhere
    output = seed("--orders", "50", "--end-date", "2026-11-26", "--shop-only")
    # then the shop has its year, and the store has nothing yet (it syncs the shop once connected)
    assert "shop: 40 products, " in output and "connect:" not in output
    assert shop_orders().count() == 50
    assert not Order.objects.exists() and not PlatformConnection.objects.exists()
