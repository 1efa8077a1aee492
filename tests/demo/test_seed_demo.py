import collections
import datetime as dt
import hashlib
import io
import json
import zoneinfo

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Sum
from django.utils import timezone

from demo.seed.commerce import demo_commerce_seed
from demo.seed.plan import demo_seed_plan
from demo.seed.store import DEMO_STORE_SLUG, demo_store_ensure
from stores.models import Customer, Membership, Order, OrderLine, OrderStatus, Product, Role, Store
from tests.factories import MembershipFactory, OrderFactory, OrderLineFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# Organic sources and the ad platforms by their slugs (the link vocabulary of stores.links).
SOCIAL_AND_AD_SOURCES = {"tiktok", "instagram", "pinterest", "x", "facebook", "meta_ads", "google_ads", "tiktok_ads"}


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def seed_small(*extra: str) -> str:
    return seed("--orders", "2000", "--seed", "7", "--end-date", "2026-11-26", *extra)


def demo_store() -> Store:
    return Store.objects.get(slug=DEMO_STORE_SLUG)


def digest(store: Store) -> str:
    """A fingerprint of everything the seed wrote, by external ids rather than row ids."""
    h = hashlib.sha256()
    for row in Product.objects.filter(store=store).order_by("external_id").values_list(
        "external_id", "title", "description", "price_minor", "unit_cost_minor", "url", "image_url", "tags",
        "category", "inventory_quantity", "status", "created_at",
    ):  # fmt: skip
        h.update(repr(row).encode())
    for row in (
        Customer.objects.filter(store=store)
        .order_by("external_id")
        .values_list("external_id", "email", "name", "accepts_marketing", "created_at")
    ):
        h.update(repr(row).encode())
    for row in Order.objects.filter(store=store).order_by("external_id").values_list(
        "external_id", "customer__external_id", "total_minor", "refunded_minor", "currency", "status", "created_at",
        "landing_url", "referrer", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
        "click_ids", "visitor_id",
    ):  # fmt: skip
        h.update(repr(row).encode())
    for row in (
        OrderLine.objects.filter(store=store)
        .order_by("order__external_id", "id")
        .values_list("order__external_id", "product__external_id", "title", "quantity", "unit_price_minor")
    ):
        h.update(repr(row).encode())
    return h.hexdigest()


def test_the_same_seed_and_end_date_give_identical_rows_after_a_reset():
    # given a seeded demo store
    seed_small()
    first = digest(demo_store())
    # when it is reset and seeded again with the same seed and end date
    seed_small("--reset")
    # then every product, customer, order and line is the same
    assert digest(demo_store()) == first
    assert Order.objects.filter(store=demo_store()).count() == 2000


def test_another_seed_gives_other_orders():
    # given a store seeded with seed 7
    seed_small()
    first = digest(demo_store())
    # when it is reseeded with seed 8
    seed("--orders", "2000", "--seed", "8", "--end-date", "2026-11-26", "--reset")
    # then the data differs
    assert digest(demo_store()) != first


def test_the_seeded_store_looks_like_a_real_shop():
    # given the demo seed of 2000 orders for the year up to 26 November 2026
    output = seed_small()
    store = demo_store()
    orders = Order.objects.filter(store=store)
    # then the store is the demo store, with about forty products in six categories
    assert (store.name, store.currency, store.timezone, store.storefront_domain) == (
        "Northwind Outfitters", "USD", "America/New_York", "shop.northwind.example"
    )  # fmt: skip
    products = Product.objects.filter(store=store)
    assert products.count() == 40
    assert set(products.values_list("category", flat=True)) == {
        "Apparel", "Footwear", "Outdoor Gear", "Accessories", "Home", "Nutrition"
    }  # fmt: skip
    assert not products.filter(unit_cost_minor__gte=F("price_minor")).exists()
    assert all(p.url.startswith("https://shop.northwind.example/products/") for p in products)
    # and exactly the orders asked for, inside the year
    assert orders.count() == 2000
    start = dt.datetime(2025, 11, 27, tzinfo=NEW_YORK)
    end = dt.datetime(2026, 11, 27, tzinfo=NEW_YORK)
    assert not orders.filter(created_at__lt=start).exists()
    assert not orders.filter(created_at__gte=end).exists()
    assert f"2000 orders ({OrderLine.objects.filter(store=store).count()} lines" in output
    # and every order's total is the sum of its lines, with one to four distinct products
    by_order = orders.annotate(
        lines_total=Sum(F("lines__quantity") * F("lines__unit_price_minor")),
        line_count=Count("lines"),
        product_count=Count("lines__product", distinct=True),
    )
    assert not by_order.exclude(total_minor=F("lines_total")).exists()
    assert set(by_order.values_list("line_count", flat=True)) == {1, 2, 3, 4}
    assert not by_order.exclude(line_count=F("product_count")).exists()


def test_refunds_and_cancellations_are_recorded_as_the_order_model_expects():
    # given a seeded store
    seed_small()
    orders = Order.objects.filter(store=demo_store())
    statuses = collections.Counter(orders.values_list("status", flat=True))
    # then a few percent are refunded in full or in part, or cancelled
    assert statuses[OrderStatus.REFUNDED] > 0
    assert statuses[OrderStatus.PARTIALLY_REFUNDED] > 0
    assert statuses[OrderStatus.CANCELLED] > 0
    assert 0.02 < (statuses[OrderStatus.REFUNDED] + statuses[OrderStatus.PARTIALLY_REFUNDED]) / 2000 < 0.06
    # and the refunded amount matches the status
    assert not orders.filter(status=OrderStatus.REFUNDED).exclude(refunded_minor=F("total_minor")).exists()
    partial = orders.filter(status=OrderStatus.PARTIALLY_REFUNDED)
    assert not partial.filter(refunded_minor__lte=0).exists()
    assert not partial.filter(refunded_minor__gte=F("total_minor")).exists()
    others = (OrderStatus.PAID, OrderStatus.CANCELLED, OrderStatus.PENDING)
    assert not orders.filter(status__in=others).exclude(refunded_minor=0).exists()


def test_some_customers_come_back_two_to_six_times():
    # given a seeded store
    seed_small()
    store = demo_store()
    counts = collections.Counter(
        Customer.objects.filter(store=store).annotate(n=Count("orders")).values_list("n", flat=True)
    )
    # then most customers buy once, and the rest two to six times
    assert set(counts) == {1, 2, 3, 4, 5, 6}
    assert 0.5 < counts[1] / sum(counts.values()) < 0.8
    # and a customer exists from their first order on
    late = Customer.objects.filter(store=store, orders__created_at__lt=F("created_at"))
    assert not late.exists()
    # and a few orders are guest checkouts
    assert Order.objects.filter(store=store, customer__isnull=True).exists()


def test_orders_follow_the_seasons_and_the_week():
    # given a seeded store
    seed_small()
    created = [
        t.astimezone(NEW_YORK) for t in Order.objects.filter(store=demo_store()).values_list("created_at", flat=True)
    ]
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


def test_orders_carry_the_traffic_that_brought_them():
    # given a seeded store
    seed_small()
    orders = Order.objects.filter(store=demo_store())
    tagged = orders.exclude(utm_source="")
    # then about half the orders came through a tagged link, the rest direct or organic
    assert 0.4 < tagged.count() / 2000 < 0.7
    assert set(tagged.values_list("utm_medium", flat=True)) == {"social", "paid_social", "cpc", "email"}
    assert set(tagged.exclude(utm_medium="email").values_list("utm_source", flat=True)) == SOCIAL_AND_AD_SOURCES
    # and paid clicks carry the platform's click id, in the landing url too
    for order in tagged.filter(utm_medium__in=["cpc", "paid_social"]):
        key = {"google_ads": "gclid", "meta_ads": "fbclid", "tiktok_ads": "ttclid"}[order.utm_source]
        assert list(order.click_ids) == [key]
        assert f"{key}={order.click_ids[key]}" in order.landing_url
        assert f"utm_campaign={order.utm_campaign}" in order.landing_url
    assert not orders.exclude(utm_medium__in=["cpc", "paid_social"]).exclude(click_ids={}).exists()
    google = orders.filter(utm_source="google_ads").exclude(utm_term="").count()
    assert google == orders.filter(utm_source="google_ads").count()
    # and most orders were seen by the tracking snippet
    assert 0.7 < orders.exclude(visitor_id="").count() / 2000 < 0.9
    assert not orders.filter(utm_source="").exclude(utm_campaign="").exists()
    assert all(
        url.startswith("https://shop.northwind.example/") for url in orders.values_list("landing_url", flat=True)
    )
    assert json.loads(json.dumps(orders.first().click_ids)) == orders.first().click_ids


def test_if_empty_leaves_a_seeded_store_alone():
    # given a seeded store
    seed_small()
    before = digest(demo_store())
    # when the demo start script runs the seed again with --if-empty and another seed
    output = seed("--orders", "500", "--seed", "9", "--if-empty")
    # then nothing was added or changed
    assert "already has orders; nothing seeded" in output
    assert Order.objects.filter(store=demo_store()).count() == 2000
    assert digest(demo_store()) == before


def test_if_empty_seeds_a_store_without_orders():
    # given no demo store yet
    # when the start script runs the seed with --if-empty
    seed("--orders", "300", "--if-empty")
    # then the store has its orders, ending now
    orders = Order.objects.filter(store=demo_store())
    assert orders.count() == 300
    now = timezone.now()
    assert not orders.filter(created_at__gt=now).exists()
    assert not orders.filter(created_at__lt=now - dt.timedelta(days=365)).exists()


def test_the_demo_user_owns_the_store_and_can_log_in_by_email(client, settings):
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


def test_a_second_run_restores_the_demo_password_and_keeps_one_owner(settings):
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


def test_a_demo_address_that_signed_up_under_another_username_becomes_the_demo_user(settings):
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


def test_seeding_a_store_with_data_again_asks_for_a_reset():
    # given a seeded store
    seed("--orders", "100", "--end-date", "2026-11-26")
    # when the seed runs again without --reset or --if-empty
    with pytest.raises(CommandError, match="reset it before seeding again"):
        seed("--orders", "100", "--end-date", "2026-11-26")
    # then the store still has its first orders only
    assert Order.objects.filter(store=demo_store()).count() == 100


def test_reset_keeps_other_stores_data():
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
    # then no orders were written
    assert not Order.objects.exists()


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


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_seed_commits_and_restores_sqlite_durability(django_db_blocker):
    # given a database connection outside any transaction
    from django.db import connection

    def synchronous() -> int | None:
        if connection.vendor != "sqlite":
            return None
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            return cursor.fetchone()[0]

    before = synchronous()
    # when the seed runs
    seed("--orders", "200", "--end-date", "2026-11-26")
    # then the orders are committed and SQLite's durability setting is back to what it was
    assert Order.objects.filter(store=demo_store()).count() == 200
    assert synchronous() == before


def test_reset_lets_django_cascade_when_other_rows_point_at_the_demo_rows():
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


def test_reset_on_a_fresh_install_just_seeds():
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
    # then it writes the orders all the same
    assert Order.objects.filter(store=store).count() == 30
    assert " 30 orders " in summary


def test_rows_created_after_the_seed_get_fresh_ids():
    # given a seeded store whose rows were written with ids allocated by the seed
    seed("--orders", "40", "--end-date", "2026-11-26")
    store = demo_store()
    top = Order.objects.order_by("-pk").values_list("pk", flat=True).first()
    # when the webhook later records an order with a line, and a product is added
    line = OrderLineFactory(order=OrderFactory(store=store, external_id="web-1"), store=store)
    # then they get ids after the seeded ones instead of colliding with them
    assert line.order.pk > top
    assert line.pk > OrderLine.objects.exclude(pk=line.pk).order_by("-pk").values_list("pk", flat=True).first()
    assert line.product.pk > Product.objects.exclude(pk=line.product.pk).order_by("-pk").first().pk
