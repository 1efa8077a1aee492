"""Planning a content calendar from the catalogue: the store's best sellers in stock, chosen by the service and
named in the answer; an empty catalogue is refused with nothing created; platform aliases in the API body."""

import datetime as dt

import pytest
from django.utils import timezone

from platforms.constants import X
from social.models import ContentCalendar, SocialPost
from social.services import calendar_plan_from_catalogue
from stores.exceptions import ApplicationError
from stores.models import OrderStatus, ProductStatus
from stores.selectors import products_best_sellers_in_stock
from stores.services import api_key_create
from tests.factories import OrderFactory, OrderLineFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client(client, owner, store):
    def call(method, path, **kwargs):
        _, raw = api_key_create(store=store, created_by=owner, name="admin key", role="admin")
        return getattr(client, method)(
            path, HTTP_AUTHORIZATION=f"Bearer {raw}", content_type="application/json", **kwargs
        )

    return call


def sell(product, *, quantity, unit_price_minor=None, days_ago=3, status=OrderStatus.PAID):
    """An order of ``quantity`` × ``product`` placed ``days_ago`` days ago."""
    order = OrderFactory(store=product.store, created_at=timezone.now() - dt.timedelta(days=days_ago), status=status)
    price = product.price_minor if unit_price_minor is None else unit_price_minor
    return OrderLineFactory(order=order, product=product, quantity=quantity, unit_price_minor=price)


def test_the_best_sellers_are_ranked_by_units_then_revenue_then_newest(store):
    # given products with sales inside and outside the window, one out of stock, one archived, one cancelled order
    tops = ProductFactory(store=store, title="Tops")
    cheap = ProductFactory(store=store, title="Cheap tie")
    dear = ProductFactory(store=store, title="Dear tie")
    old_unsold = ProductFactory(store=store, title="Old unsold")
    new_unsold = ProductFactory(store=store, title="New unsold")
    sold_out = ProductFactory(store=store, title="Sold out", inventory_quantity=0)
    archived = ProductFactory(store=store, title="Archived", status=ProductStatus.ARCHIVED)
    sell(tops, quantity=9)
    sell(cheap, quantity=4, unit_price_minor=1000)
    sell(dear, quantity=4, unit_price_minor=3000)
    sell(old_unsold, quantity=50, days_ago=45)
    sell(old_unsold, quantity=50, status=OrderStatus.CANCELLED)
    sell(sold_out, quantity=99)
    sell(archived, quantity=99)
    foreign = ProductFactory(title="Foreign")
    sell(foreign, quantity=99)

    # when the best sellers in stock are asked for
    ranked = products_best_sellers_in_stock(store=store, limit=10)

    # then units sold in 30 days rank first, revenue breaks the tie, unsold products come newest first, and sales
    # outside the window, of cancelled orders, of sold-out, archived or another store's products do not count
    assert [(s.product.title, s.units_sold, s.revenue_minor) for s in ranked] == [
        ("Tops", 9, 9 * tops.price_minor),
        ("Dear tie", 4, 12_000),
        ("Cheap tie", 4, 4000),
        ("New unsold", 0, 0),
        ("Old unsold", 0, 0),
    ]
    assert products_best_sellers_in_stock(store=store, limit=2) == ranked[:2]
    assert new_unsold == ranked[3].product


def test_planning_without_a_product_picks_the_in_stock_best_seller_and_says_so(api_client, store):
    # given a best seller that is sold out, a best seller in stock with 42 sold, and a slower product
    sold_out = ProductFactory(store=store, title="Sold-out Sock", inventory_quantity=0)
    best = ProductFactory(store=store, title="Merino Trail Sock")
    slower = ProductFactory(store=store, title="Wool Beanie")
    sell(sold_out, quantity=80)
    sell(best, quantity=30)
    sell(best, quantity=12)
    sell(slower, quantity=5)

    # when a calendar is asked for without a product
    response = api_client(
        "post",
        "/api/social/calendar",
        data={"days": 2, "posts_per_day": 1, "platforms": ["x"], "start_date": "2028-01-03"},
    )

    # then the in-stock best seller leads, the answer says why, and the posts take turns between the two
    assert response.status_code == 201
    body = response.json()
    assert body["chosen_products"] == [
        {
            "id": best.pk,
            "title": "Merino Trail Sock",
            "units_sold": 42,
            "reason": "best seller in stock: 42 sold in 30 days",
        },
        {"id": slower.pk, "title": "Wool Beanie", "units_sold": 5, "reason": "best seller in stock: 5 sold in 30 days"},
    ]
    assert body["message"] == "Planned from your catalogue's best sellers in stock: “Merino Trail Sock”, “Wool Beanie”."
    calendar = ContentCalendar.objects.get()
    assert calendar.product == best
    posts = list(SocialPost.objects.order_by("scheduled_at"))
    assert [p.product_id for p in posts] == [best.pk, slower.pk]
    assert [p.link.split("?")[0] for p in posts] == [best.url, slower.url]
    assert sold_out.pk not in {p.product_id for p in posts}


def test_at_most_three_products_spread_over_the_calendar(store):
    # given five products in stock, each sold a different number of times
    products = [ProductFactory(store=store, title=f"Product {n}") for n in range(5)]
    for n, product in enumerate(products):
        sell(product, quantity=10 - n)

    # when a 2-day calendar of 2 posts a day is planned from the catalogue
    plan = calendar_plan_from_catalogue(
        store=store, days=2, posts_per_day=2, platforms=[X], start_date=dt.date(2028, 1, 3)
    )

    # then the three best sellers take turns slot by slot, the best seller twice
    assert [c.product for c in plan.chosen] == products[:3]
    posts = list(plan.calendar.posts.order_by("scheduled_at"))
    assert [p.product_id for p in posts] == [products[0].pk, products[1].pk, products[2].pk, products[0].pk]


def test_a_one_post_calendar_chooses_only_the_best_seller(store):
    # given two products in stock
    first, second = ProductFactory(store=store), ProductFactory(store=store)
    sell(first, quantity=3)
    sell(second, quantity=1)

    # when a calendar of one post is planned from the catalogue
    plan = calendar_plan_from_catalogue(
        store=store, days=1, posts_per_day=1, platforms=[X], start_date=dt.date(2028, 1, 3)
    )

    # then only the best seller is chosen: every chosen product gets a post
    assert [c.product for c in plan.chosen] == [first]
    assert plan.calendar.posts.count() == 1


def test_unsold_products_in_stock_are_chosen_newest_first_and_say_so(store):
    # given two active products in stock and no orders at all
    ProductFactory(store=store, title="Older")
    newer = ProductFactory(store=store, title="Newer")

    # when a one-post calendar is planned from the catalogue
    plan = calendar_plan_from_catalogue(
        store=store, days=1, posts_per_day=1, platforms=[X], start_date=dt.date(2028, 1, 3)
    )

    # then the newest is chosen, and the reason does not pretend it sold
    assert [(c.product, c.units_sold, c.reason) for c in plan.chosen] == [
        (newer, 0, "in stock, newest in the catalogue: none sold in 30 days")
    ]


@pytest.mark.parametrize(
    "catalogue",
    ["none", "sold out", "drafts only"],
    ids=["no product at all", "every product sold out", "only draft products"],
)
def test_planning_from_an_empty_catalogue_is_refused_and_creates_nothing(api_client, store, catalogue):
    # given a catalogue with nothing active in stock
    if catalogue == "sold out":
        sell(ProductFactory(store=store, inventory_quantity=0), quantity=5)
    if catalogue == "drafts only":
        ProductFactory(store=store, status=ProductStatus.DRAFT)

    # when a calendar is asked for without a product
    response = api_client("post", "/api/social/calendar", data={"days": 3, "platforms": ["x"]})

    # then it is a clear 400 and no calendar or post exists
    assert response.status_code == 400
    assert response.json()["code"] == "no_products_in_stock"
    assert "add products to the catalogue or connect your store first" in response.json()["detail"]
    assert (ContentCalendar.objects.count(), SocialPost.objects.count()) == (0, 0)


def test_the_service_refuses_an_empty_catalogue_before_writing(store):
    # given no product
    # when a calendar is planned from the catalogue
    with pytest.raises(ApplicationError) as refusal:
        calendar_plan_from_catalogue(store=store, days=1, posts_per_day=1, platforms=[X])

    # then it is refused with the code and nothing is written
    assert refusal.value.code == "no_products_in_stock"
    assert not ContentCalendar.objects.exists()


def test_with_a_product_id_the_calendar_is_that_products_alone(api_client, store):
    # given a best seller and another product
    best = ProductFactory(store=store, title="Best")
    other = ProductFactory(store=store, title="Other")
    sell(best, quantity=10)

    # when a calendar is asked for the other product
    response = api_client("post", "/api/social/calendar", data={"product_id": other.pk, "days": 2, "platforms": ["x"]})

    # then every post is about that product and nothing was chosen from the catalogue
    assert response.status_code == 201
    assert response.json()["chosen_products"] == []
    assert response.json()["message"] == "Planned 2 posts for “Other”."
    assert set(SocialPost.objects.values_list("product_id", flat=True)) == {other.pk}


@pytest.mark.parametrize(
    ("sent", "stored"),
    [(["twitter"], ["x"]), (["Twitter", "tiktok"], ["tiktok", "x"]), (["x"], ["x"])],
    ids=["twitter is x", "aliases in any case beside tiktok's own slug", "the slug itself"],
)
def test_platform_aliases_are_accepted_in_the_calendar_body(api_client, store, sent, stored):
    # given a product
    product = ProductFactory(store=store)

    # when the calendar names its platforms by an alias
    response = api_client("post", "/api/social/calendar", data={"product_id": product.pk, "days": 1, "platforms": sent})

    # then the slugs are stored
    assert response.status_code == 201
    assert response.json()["platforms"] == stored


@pytest.mark.parametrize("platform", ["meta", "facebook", "tiktok_ads"], ids=["meta", "facebook", "an ad platform"])
def test_an_unknown_platform_is_still_a_422(api_client, store, platform):
    # given a product
    product = ProductFactory(store=store)

    # when the calendar names a platform that is not a social one
    response = api_client(
        "post", "/api/social/calendar", data={"product_id": product.pk, "days": 1, "platforms": [platform]}
    )

    # then it is refused as before and nothing is created
    assert response.status_code == 422
    assert not ContentCalendar.objects.exists()


def test_the_plan_page_offers_the_catalogue_choice_and_plans_from_it(owner_client, store):
    # given a best seller in stock
    best = ProductFactory(store=store, title="Merino Trail Sock")
    sell(best, quantity=7)

    # when the plan page is opened and the catalogue choice is posted
    page = owner_client.get("/social/plan/").content.decode()
    response = owner_client.post(
        "/social/plan/", {"product": "0", "days": "1", "posts_per_day": "1", "platforms": ["x"]}, follow=True
    )

    # then the page offered it, the calendar was planned for the best seller and the merchant was told
    assert "Best sellers in stock, chosen for me" in page
    calendar = ContentCalendar.objects.get()
    assert calendar.product == best
    assert "Planned from your catalogue&#x27;s best sellers in stock: “Merino Trail Sock”." in response.content.decode()


def test_the_plan_page_shows_the_refusal_on_the_form_when_nothing_is_in_stock(owner_client, store):
    # given only a sold-out product
    ProductFactory(store=store, inventory_quantity=0)

    # when the catalogue choice is posted
    response = owner_client.post(
        "/social/plan/", {"product": "0", "days": "1", "posts_per_day": "1", "platforms": ["x"]}
    )

    # then the form answers 400 with the reason and nothing was planned
    assert response.status_code == 400
    assert "connect your store first" in response.content.decode()
    assert not ContentCalendar.objects.exists()
