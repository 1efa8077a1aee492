"""The sandbox Shopify Admin GraphQL endpoint: the hub's documents execute, paging, search, scopes, tokens, shops."""

import base64
import datetime as dt

import pytest

from platforms.shopify import queries
from sandbox.models import ShopifyOrder
from sandbox.services import sandbox_faults_apply
from tests.sandbox.shopify_helpers import graphql, place_order, shop_with_catalogue, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    shop = shop_with_catalogue()
    place_order(shop)
    place_order(shop, email="ben@example.com", quantity=1)
    return shop


def _ids(shop):
    order = ShopifyOrder.objects.filter(shop=shop).order_by("pk").first()
    product = order.lines.first().product
    return order, product


def test_every_hub_document_executes_without_errors(client, shop):
    # given a shop with a catalogue and two orders, and a token with the hub's scopes
    token = token_for(shop).access_token
    order, product = _ids(shop)
    order_gid, product_gid = f"gid://shopify/Order/{order.pk}", f"gid://shopify/Product/{product.pk}"
    documents = [
        (queries.SHOP_QUERY, {}),
        (queries.PRODUCTS_QUERY, {"first": 10, "after": None, "query": None}),
        (queries.PRODUCT_VARIANTS_QUERY, {"id": product_gid, "first": 10, "after": None}),
        (queries.CUSTOMERS_QUERY, {"first": 10, "after": None, "query": "updated_at:>=2020-01-01T00:00:00Z"}),
        (queries.ORDERS_QUERY, {"first": 7, "after": None, "query": None}),
        (queries.ORDER_QUERY, {"id": order_gid}),
        (queries.ORDER_LINES_QUERY, {"id": order_gid, "first": 10, "after": None}),
        (queries.WEBHOOK_CREATE_MUTATION, {"topic": "ORDERS_CREATE", "uri": "https://hub.example/webhooks/shopify"}),
        (queries.WEBHOOKS_QUERY, {"topic": "ORDERS_CREATE"}),
        (queries.BULK_RUN_MUTATION, {"query": queries.BULK_ORDERS_QUERY}),
    ]
    for document, variables in documents:
        # when each document the hub sends is executed
        body = graphql(client, shop, token, document, variables).json()

        # then it answers data without errors, with its cost
        assert "errors" not in body, (document[:40], body.get("errors"))
        assert body["data"]
        assert body["extensions"]["cost"]["requestedQueryCost"] <= 1000
    operation_id = body["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"]
    status = graphql(client, shop, token, queries.BULK_STATUS_QUERY, {"id": operation_id}).json()
    assert "errors" not in status
    assert status["data"]["bulkOperation"]["id"] == operation_id


def test_order_fields_come_from_the_order(client, shop):
    # given an order placed with a code, shipping, tax, a journey and a cart attribute
    token = token_for(shop).access_token
    order, _ = _ids(shop)

    # when the hub reads it
    node = graphql(client, shop, token, queries.ORDER_QUERY, {"id": f"gid://shopify/Order/{order.pk}"}).json()
    node = node["data"]["order"]

    # then money, codes, attributes and the journey are the order's
    assert node["name"] == f"#{order.number}"
    assert node["totalPriceSet"]["shopMoney"] == {"amount": "46.78", "currencyCode": "USD"}
    assert node["subtotalPriceSet"]["shopMoney"]["amount"] == "37.98"
    assert node["totalShippingPriceSet"]["shopMoney"]["amount"] == "5.0"
    assert node["discountCodes"] == ["WELCOME10"]
    assert node["customAttributes"] == [{"key": "gh_visitor", "value": "v-123"}]
    assert node["customerJourneySummary"]["firstVisit"]["utmParameters"]["source"] == "tiktok"
    assert node["lineItems"]["nodes"][0]["quantity"] == 2
    assert node["customer"]["defaultEmailAddress"]["emailAddress"] == "ava@example.com"


def test_orders_page_through_cursors_and_filter_by_updated_at(client, shop):
    # given five orders, two of them changed long ago
    for _ in range(3):
        place_order(shop)
    old = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ShopifyOrder.objects.filter(
        pk__in=list(ShopifyOrder.objects.order_by("pk").values_list("pk", flat=True)[:2])
    ).update(updated_at=old)
    token = token_for(shop).access_token
    seen, after = [], None

    # when the orders changed since February are paged two at a time
    while True:
        variables = {"first": 2, "after": after, "query": "updated_at:>=2026-02-01T00:00:00Z"}
        connection = graphql(client, shop, token, queries.ORDERS_QUERY, variables).json()["data"]["orders"]
        seen += [node["id"] for node in connection["nodes"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    # then the three recent ones come, each once, over two pages
    recent = ShopifyOrder.objects.filter(updated_at__gt=old).values_list("pk", flat=True)
    assert sorted(seen) == sorted(f"gid://shopify/Order/{pk}" for pk in recent)
    assert len(seen) == 3


def test_a_token_of_another_shop_or_an_unknown_token_is_refused_with_401(client, shop):
    # given a second shop and its own token
    other = shop_with_catalogue("contoso-test.myshopify.com")
    other_token = token_for(other).access_token

    # when the first shop is asked with that token, and with a made-up one
    foreign = graphql(client, shop, other_token, queries.SHOP_QUERY)
    unknown = graphql(client, shop, "shpat_nope", queries.SHOP_QUERY)

    # then both are Shopify's 401 and nothing of the shop is shown
    for response in (foreign, unknown):
        assert response.status_code == 401
        assert response.json() == {
            "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
        }


def test_each_shop_sees_only_its_own_orders(client, shop):
    # given another shop with one order
    other = shop_with_catalogue("contoso-test.myshopify.com")
    place_order(other)
    token = token_for(other).access_token

    # when that shop lists its orders and asks for an order of the first shop by id
    listed = graphql(client, other, token, queries.ORDERS_QUERY, {"first": 7}).json()["data"]["orders"]["nodes"]
    order, _ = _ids(shop)
    foreign = graphql(client, other, token, queries.ORDER_QUERY, {"id": f"gid://shopify/Order/{order.pk}"}).json()

    # then it sees one order, its own, and the other shop's order does not exist for it
    assert len(listed) == 1
    assert listed[0]["id"] != f"gid://shopify/Order/{order.pk}"
    assert foreign["data"]["order"] is None


def test_a_missing_scope_is_access_denied(client, shop):
    # given a token without read_orders
    token = token_for(shop, scopes=["read_products"]).access_token

    # when it lists orders
    body = graphql(client, shop, token, queries.ORDERS_QUERY, {"first": 5}).json()

    # then Shopify's ACCESS_DENIED error names the scope
    assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
    assert "read_orders" in body["errors"][0]["message"]


def test_an_unknown_field_fails_validation_and_a_page_over_250_is_refused(client, shop):
    token = token_for(shop).access_token

    # when a query names a field the schema lacks, and one asks 251 orders
    unknown = graphql(client, shop, token, "{ shop { id secretField } }").json()
    too_many = graphql(client, shop, token, "{ orders(first: 251) { nodes { id } } }").json()

    # then both are errors and no data is given
    assert "secretField" in unknown["errors"][0]["message"]
    assert "data" not in unknown or unknown["data"] is None
    assert too_many["errors"]


def test_node_resolves_each_kind_of_the_shop_and_nothing_of_another(client, shop):
    # given an order and a product of the shop, and another shop's product
    token = token_for(shop).access_token
    order, product = _ids(shop)
    other = shop_with_catalogue("contoso-test.myshopify.com").products.first()
    query = """query Nodes($ids: [ID!]!) { nodes(ids: $ids) {
      __typename id ... on Order { name } ... on Product { title } } }"""
    ids = [
        f"gid://shopify/Order/{order.pk}",
        f"gid://shopify/Product/{product.pk}",
        f"gid://shopify/Product/{other.pk}",
    ]

    # when the three are asked by id
    found = graphql(client, shop, token, query, {"ids": ids}).json()["data"]["nodes"]

    # then the shop's two come with their type's fields and the other shop's is null
    assert found[0] == {"__typename": "Order", "id": ids[0], "name": f"#{order.number}"}
    assert found[1] == {"__typename": "Product", "id": ids[1], "title": product.title}
    assert found[2] is None


@pytest.mark.parametrize(
    ("fault", "status", "retry_after"),
    [({"error_rate": 1.0}, 500, None), ({"rate_limit_rate": 1.0, "retry_after_seconds": 3}, 429, "3")],
)
def test_injected_faults_answer_as_shopify_does(client, shop, fault, status, retry_after):
    # given faults injected for Shopify alone
    sandbox_faults_apply(faults={"shopify": fault})
    token = token_for(shop).access_token

    # when the hub queries the shop
    response = graphql(client, shop, token, queries.SHOP_QUERY)

    # then the answer is Shopify's error body with the status (and Retry-After) the hub's client maps
    assert response.status_code == status
    assert isinstance(response.json()["errors"], str)
    assert response.headers.get("Retry-After") == retry_after


def test_a_forged_or_foreign_cursor_is_refused_as_invalid(client, shop):
    token = token_for(shop).access_token
    wrong_kind = base64.urlsafe_b64encode(b'{"last_id":1,"last_value":"abc"}').decode()
    queries_and_cursors = [
        ("{ orders(first: 2, after: $after, sortKey: TOTAL_PRICE) { nodes { id } } }", wrong_kind),
        ("{ orders(first: 2, after: $after) { nodes { id } } }", "not-base64-json"),
    ]
    for body, cursor in queries_and_cursors:
        # when a page is asked after a cursor this sort cannot have made
        document = "query Page($after: String) " + body
        answer = graphql(client, shop, token, document, {"after": cursor}).json()

        # then it is Shopify's invalid cursor error
        assert answer["errors"][0]["message"] == "Invalid cursor for current pagination sort."


def test_without_read_all_orders_only_the_last_60_days_are_visible(client, shop):
    # given one of the two orders placed 61 days ago
    old = ShopifyOrder.objects.order_by("pk").first()
    ShopifyOrder.objects.filter(pk=old.pk).update(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=61))
    recent_only = token_for(shop, scopes=["read_orders"]).access_token
    everything = token_for(shop).access_token

    # when each token lists the orders
    def listed(token):
        body = graphql(client, shop, token, queries.ORDERS_QUERY, {"first": 7}).json()
        return {node["id"] for node in body["data"]["orders"]["nodes"]}

    # then the old order is seen only with read_all_orders
    assert f"gid://shopify/Order/{old.pk}" not in listed(recent_only)
    assert f"gid://shopify/Order/{old.pk}" in listed(everything)
    assert len(listed(recent_only)) == 1


def test_unknown_search_terms_are_ignored_with_a_warning(client, shop):
    token = token_for(shop).access_token

    # when the search names a field orders do not have, and a date that is not one
    variables = {"first": 7, "query": "colour:blue updated_at:>=yesterday-ish"}
    body = graphql(client, shop, token, queries.ORDERS_QUERY, variables).json()

    # then both terms are ignored (every order comes) and reported in extensions.search
    assert len(body["data"]["orders"]["nodes"]) == 2
    messages = [warning["message"] for warning in body["extensions"]["search"]]
    assert any("colour" in message for message in messages)
    assert any("yesterday-ish" in message for message in messages)
