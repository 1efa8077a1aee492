"""Query cost and the leaky bucket of the sandbox Shopify: requested and actual cost, THROTTLED in a 200, the cap."""

import datetime as dt

import pytest
from graphql import parse

from platforms.shopify import queries
from sandbox.models import ShopifyShop
from sandbox.shopify.cost import bucket_take, query_cost
from sandbox.shopify.schema import admin_schema
from tests.sandbox.shopify_helpers import graphql, place_order, shop_with_catalogue, token_for

pytestmark = pytest.mark.django_db

SMALL = "{ orders(first: 5) { nodes { id customer { id } } pageInfo { hasNextPage } } }"
# Requests 2 + 250 x 2 = 502 points: five seconds of the bucket's restore, far longer than a loaded test run takes.
LARGE = "{ orders(first: 250) { nodes { id customer { id } } pageInfo { hasNextPage } } }"


def test_requested_cost_counts_first_and_actual_cost_counts_what_came(client):
    # given a shop with two orders
    shop = shop_with_catalogue()
    place_order(shop)
    place_order(shop)
    token = token_for(shop).access_token

    # when a query asks up to five orders with their customer
    body = graphql(client, shop, token, SMALL).json()

    # then it is charged 2 + 5 x (1 + 1) requested, 2 + 2 x 2 actual, and the bucket is charged the actual cost
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 12
    assert cost["actualQueryCost"] == 6
    status = cost["throttleStatus"]
    assert (status["maximumAvailable"], status["restoreRate"]) == (2000.0, 100.0)
    # (the bucket restores while the query runs, at most to full)
    assert 1994.0 <= status["currentlyAvailable"] <= 2000.0


def test_the_hubs_paged_queries_stay_under_the_single_query_limit():
    # given the hub's paged documents with their page sizes
    schema = admin_schema()
    cases = [
        (queries.ORDERS_QUERY, {"first": queries.ORDERS_PAGE_SIZE}),
        (queries.PRODUCTS_QUERY, {"first": queries.PRODUCTS_PAGE_SIZE}),
    ]
    for document, variables in cases:
        # when their requested cost is computed
        cost = query_cost(schema, parse(document), operation_name=None, variables=variables)

        # then each is below 1000 and grows with the page size
        bigger = query_cost(schema, parse(document), operation_name=None, variables={"first": variables["first"] + 1})
        assert 0 < cost <= 1000
        assert bigger > cost


def test_a_query_costing_more_than_the_bucket_holds_is_throttled_in_a_200_and_not_run(client):
    # given a shop whose bucket was just drained to 5 points
    shop = shop_with_catalogue()
    place_order(shop)
    token = token_for(shop).access_token
    ShopifyShop.objects.filter(pk=shop.pk).update(cost_available=5.0, cost_checked_at=dt.datetime.now(dt.UTC))

    # when a query requesting 502 points is sent
    response = graphql(client, shop, token, LARGE)

    # then Shopify's THROTTLED error comes with HTTP 200, no data, and the bucket is not charged
    body = response.json()
    assert response.status_code == 200
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert "data" not in body
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] < 502
    assert ShopifyShop.objects.get(pk=shop.pk).cost_available < 502


def test_the_bucket_restores_100_points_a_second_up_to_2000():
    # given a shop's bucket at 100 points ten seconds ago
    shop = shop_with_catalogue()
    then = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    ShopifyShop.objects.filter(pk=shop.pk).update(cost_available=100.0, cost_checked_at=then)

    # when 500 points are taken ten seconds later, then 2000 an hour later
    taken, after = bucket_take(shop_id=shop.pk, cost=500, now=then + dt.timedelta(seconds=10))
    too_much, full = bucket_take(shop_id=shop.pk, cost=2001, now=then + dt.timedelta(hours=1))

    # then 100 + 10 x 100 - 500 remain, and the bucket never holds more than 2000
    assert taken and after.currently_available == 600.0
    assert not too_much and full.currently_available == 2000.0


def test_a_query_over_the_single_query_maximum_is_refused(client):
    shop = shop_with_catalogue()
    token = token_for(shop).access_token

    # when a query requests 250 orders with 250 lines each
    body = graphql(client, shop, token, "{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }")
    body = body.json()

    # then MAX_COST_EXCEEDED names the cost, and the bucket is untouched
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert body["errors"][0]["extensions"]["cost"] > 1000
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 2000.0
