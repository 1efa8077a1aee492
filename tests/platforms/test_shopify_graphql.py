"""Shopify's Admin GraphQL: cost-based throttling, errors, paging, the bulk backfill and webhook subscriptions."""

import datetime as dt
import json
import tempfile
import tracemalloc

import pytest
import responses
from graphql import parse as graphql_parse

from platforms.errors import AuthExpired, RateLimited, Rejected, Transient
from platforms.shopify import queries
from platforms.shopify import store as shopify_store
from platforms.shopify.graphql import API_VERSION, ShopifyGraphQL
from platforms.shopify.store import WEBHOOK_TOPICS, ShopifyStore
from platforms.store_records import BackfillStatus
from tests.platforms.shopify_payloads import SHOP, line_node, order_node

ENDPOINT = f"https://{SHOP}/admin/api/{API_VERSION}/graphql.json"
RESULT_URL = "https://storage.googleapis.com/shopify-tiers-assets-prod-us-east1/bulk-result.jsonl?X-Goog-Signature=abc"
QUERY = "query Things { shop { id } }"


@pytest.fixture(autouse=True)
def live_shopify(settings):
    settings.PLATFORM_MODE = "live"


class FakeTime:
    """A clock that moves only when slept on, recording each sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def cost(requested: float, available: float, *, maximum: float = 2000.0, rate: float = 100.0) -> dict:
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": None,
            "throttleStatus": {"maximumAvailable": maximum, "currentlyAvailable": available, "restoreRate": rate},
        }
    }


THROTTLED = {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]}


def client(time: FakeTime | None = None) -> ShopifyGraphQL:
    time = time or FakeTime()
    return ShopifyGraphQL(shop=SHOP, access_token="shpat_secret", sleep=time.sleep, clock=time.clock)


@responses.activate
def test_a_query_is_posted_with_the_token_header_and_returns_its_data():
    # given Shopify answering the query
    responses.add(responses.POST, ENDPOINT, json={"data": {"shop": {"id": "gid://shopify/Shop/1"}}})
    # when it is executed
    data = client().execute(QUERY, {"a": 1})
    # then the token went in Shopify's header and the body was query and variables
    request = responses.calls[0].request
    assert request.headers["X-Shopify-Access-Token"] == "shpat_secret"
    assert json.loads(request.body) == {"query": QUERY, "variables": {"a": 1}}
    assert data == {"shop": {"id": "gid://shopify/Shop/1"}}


@responses.activate
def test_a_throttled_answer_is_waited_out_then_sent_again():
    # given a first answer THROTTLED with 50 of 2000 points left for a 250-point query, then a success
    responses.add(responses.POST, ENDPOINT, json={**THROTTLED, "extensions": cost(250, 50)})
    responses.add(responses.POST, ENDPOINT, json={"data": {"shop": {"id": "1"}}, "extensions": cost(250, 1800)})
    time = FakeTime()
    # when the query is executed
    data = client(time).execute(QUERY)
    # then the client slept the (250 - 50) / 100 = 2 s the bucket needed, and the retry's data came back
    assert time.slept == [2.0]
    assert len(responses.calls) == 2
    assert data == {"shop": {"id": "1"}}


@responses.activate
def test_throttling_that_does_not_end_raises_rate_limited_after_the_bounded_retries():
    # given Shopify throttling every attempt
    responses.add(responses.POST, ENDPOINT, json={**THROTTLED, "extensions": cost(500, 100)})
    time = FakeTime()
    # when the query is executed
    with pytest.raises(RateLimited) as caught:
        client(time).execute(QUERY)
    # then it was tried 1 + 3 times, waiting 4 s each time, and the error says how long to wait
    assert len(responses.calls) == 4
    assert time.slept == [4.0, 4.0, 4.0]
    assert caught.value.retry_after == 4.0


@responses.activate
def test_a_query_known_to_cost_more_than_is_left_waits_for_the_bucket_first():
    # given a query that cost 300 points and left only 100 available
    responses.add(responses.POST, ENDPOINT, json={"data": {"shop": {}}, "extensions": cost(300, 100)})
    time = FakeTime()
    graphql = client(time)
    graphql.execute(QUERY)
    assert time.slept == []
    # when the same query is sent again half a second later
    time.now += 0.5
    graphql.execute(QUERY)
    # then it first waited for the 150 points still missing at 100 points/s
    assert time.slept == [1.5]


@responses.activate
def test_a_query_that_fits_the_bucket_is_sent_without_waiting():
    # given a cheap query with plenty available
    responses.add(responses.POST, ENDPOINT, json={"data": {"shop": {}}, "extensions": cost(10, 1990)})
    time = FakeTime()
    graphql = client(time)
    # when it is sent twice
    graphql.execute(QUERY)
    graphql.execute(QUERY)
    # then it never waited
    assert time.slept == []


@pytest.mark.parametrize(
    ("status", "body", "error_type", "message"),
    [
        pytest.param(
            401,
            {"errors": "[API] Invalid API key or access token"},
            AuthExpired,
            "[API] Invalid API key or access token",
            id="401 means installing again",
        ),
        pytest.param(403, {"errors": "Forbidden"}, AuthExpired, "Forbidden", id="403 too"),
        pytest.param(
            402,
            {"errors": "Unavailable Shop"},
            Rejected,
            "The Shopify store is frozen (unpaid): Unavailable Shop",
            id="402 is a frozen shop",
        ),
        pytest.param(423, {"errors": "Locked"}, Rejected, "The Shopify store is locked: Locked", id="423 a locked one"),
        pytest.param(
            429,
            {"errors": "Exceeded 2 calls per second"},
            RateLimited,
            "Exceeded 2 calls per second",
            id="429 is a rate limit",
        ),
        pytest.param(502, {"errors": "Bad gateway"}, Transient, "Bad gateway", id="5xx is transient"),
        pytest.param(404, {"errors": "Not Found"}, Rejected, "Not Found", id="404 is a refusal"),
    ],
)
@responses.activate
def test_http_failures_map_into_the_hierarchy(status, body, error_type, message):
    # given Shopify failing with a status
    responses.add(responses.POST, ENDPOINT, json=body, status=status)
    # when a query is executed
    with pytest.raises(error_type) as caught:
        client().execute(QUERY)
    # then the error carries Shopify's message and the status, never the token
    assert caught.value.message == message
    assert caught.value.status == status
    assert "shpat_secret" not in str(caught.value)


@responses.activate
def test_errors_without_data_are_a_refusal_with_shopifys_message_redacted():
    # given a query error whose message quotes a token
    responses.add(
        responses.POST,
        ENDPOINT,
        json={
            "errors": [
                {
                    "message": "Field 'nope' doesn't exist, access_token=shpat_leak",
                    "extensions": {"code": "undefinedField"},
                }
            ]
        },
    )
    # when it is executed
    with pytest.raises(Rejected) as caught:
        client().execute(QUERY)
    # then the message is Shopify's with the token redacted
    assert caught.value.message == "Field 'nope' doesn't exist, access_token=[redacted]"
    assert caught.value.code == "undefinedField"


@responses.activate
def test_a_partial_answer_returns_its_data():
    # given data with an error on one field
    responses.add(
        responses.POST, ENDPOINT, json={"data": {"shop": {"id": "1"}}, "errors": [{"message": "Access denied"}]}
    )
    # then the data still comes back
    assert client().execute(QUERY) == {"shop": {"id": "1"}}


@responses.activate
def test_paging_follows_the_cursor_over_two_pages():
    # given two pages of products
    responses.add(
        responses.POST,
        ENDPOINT,
        json={
            "data": {
                "things": {
                    "edges": [{"cursor": "c1", "node": {"id": "1"}}, {"cursor": "c2", "node": {"id": "2"}}],
                    "pageInfo": {"hasNextPage": True, "endCursor": "c2"},
                }
            }
        },
    )
    responses.add(
        responses.POST,
        ENDPOINT,
        json={"data": {"things": {"nodes": [{"id": "3"}], "pageInfo": {"hasNextPage": False, "endCursor": "c3"}}}},
    )
    # when every node is read
    nodes = list(client().paginate(QUERY, path=("things",), variables={"query": "status:active"}, page_size=2))
    # then the three nodes came in order, the second page asked after the first page's cursor
    assert [n["id"] for n in nodes] == ["1", "2", "3"]
    sent = [json.loads(call.request.body)["variables"] for call in responses.calls]
    assert sent == [
        {"query": "status:active", "first": 2, "after": None},
        {"query": "status:active", "first": 2, "after": "c2"},
    ]


# -- the store client ----------------------------------------------------------------------------------------------


def store() -> ShopifyStore:
    time = FakeTime()
    return ShopifyStore(access_token="shpat_secret", account_id=SHOP, sleep=time.sleep, clock=time.clock)


@responses.activate
def test_orders_since_a_moment_are_asked_by_update_time_and_mapped():
    # given one page of orders
    responses.add(
        responses.POST,
        ENDPOINT,
        json={"data": {"orders": {"nodes": [order_node(1001)], "pageInfo": {"hasNextPage": False, "endCursor": None}}}},
    )
    # when the orders updated since a moment are read
    orders = list(store().orders(updated_since=dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)))
    # then the search asked for them and the order came back as a record
    sent = json.loads(responses.calls[0].request.body)
    assert sent["variables"]["query"] == "updated_at:>=2026-11-20T12:00:00Z"
    assert "sortKey: UPDATED_AT" in sent["query"]
    assert [o.external_id for o in orders] == ["gid://shopify/Order/1001"]
    assert orders[0].total_minor == 4497


@responses.activate
def test_products_are_priced_in_the_shops_currency():
    # given the shop in JPY and one product page
    responses.add(
        responses.POST,
        ENDPOINT,
        json={
            "data": {
                "shop": {
                    "id": "gid://shopify/Shop/9",
                    "name": "Northwind",
                    "myshopifyDomain": SHOP,
                    "currencyCode": "JPY",
                    "ianaTimezone": "Asia/Tokyo",
                    "primaryDomain": {"url": "https://northwind.jp"},
                }
            }
        },
    )
    responses.add(
        responses.POST,
        ENDPOINT,
        json={
            "data": {
                "products": {
                    "nodes": [
                        {
                            "id": "gid://shopify/Product/8801",
                            "title": "Tea bowl",
                            "handle": "tea-bowl",
                            "status": "ACTIVE",
                            "updatedAt": "2026-11-01T00:00:00Z",
                            "featuredMedia": None,
                            "variants": {
                                "nodes": [
                                    {
                                        "id": "gid://shopify/ProductVariant/1",
                                        "title": "Default",
                                        "sku": "TB",
                                        "price": "1500",
                                        "compareAtPrice": None,
                                        "inventoryQuantity": 3,
                                        "inventoryItem": {
                                            "id": "gid://shopify/InventoryItem/5",
                                            "tracked": True,
                                            "unitCost": {"amount": "600.0", "currencyCode": "JPY"},
                                        },
                                    }
                                ]
                            },
                        }
                    ],
                    "pageInfo": {"hasNextPage": False, "endCursor": None},
                }
            }
        },
    )
    # when the products are read
    (product,) = list(store().products())
    # then the price is 1500 yen and the cost 600 yen
    assert product.currency == "JPY"
    assert product.price_minor == 1500
    assert product.unit_cost_minor == 600
    assert product.inventory_quantity == 3


@responses.activate
def test_one_order_missing_at_shopify_is_none():
    responses.add(responses.POST, ENDPOINT, json={"data": {"order": None}})
    # when an order Shopify does not have is read by its numeric id
    assert store().order("424242") is None
    # then it was asked by its GID
    assert json.loads(responses.calls[0].request.body)["variables"] == {"id": "gid://shopify/Order/424242"}


@responses.activate
def test_the_backfill_starts_a_bulk_query_over_orders_with_their_lines():
    # given Shopify accepting the bulk query
    responses.add(
        responses.POST,
        ENDPOINT,
        json={
            "data": {
                "bulkOperationRunQuery": {
                    "bulkOperation": {"id": "gid://shopify/BulkOperation/7", "status": "CREATED"},
                    "userErrors": [],
                }
            }
        },
    )
    # when the backfill starts
    status = store().backfill_start()
    # then it is the operation Shopify created, and the bulk query nests lines in orders
    assert status == BackfillStatus(operation_id="gid://shopify/BulkOperation/7", status="CREATED")
    bulk_query = json.loads(responses.calls[0].request.body)["variables"]["query"]
    assert "orders(" in bulk_query and "lineItems {" in bulk_query and "customerJourneySummary" in bulk_query


@responses.activate
def test_a_backfill_shopify_refuses_is_rejected_with_its_user_errors():
    responses.add(
        responses.POST,
        ENDPOINT,
        json={
            "data": {
                "bulkOperationRunQuery": {
                    "bulkOperation": None,
                    "userErrors": [
                        {
                            "field": None,
                            "message": "A bulk query operation for this app and shop is already in progress",
                        }
                    ],
                }
            }
        },
    )
    with pytest.raises(Rejected, match="already in progress"):
        store().backfill_start()


@responses.activate
def test_the_backfill_status_reads_the_bulk_operation():
    responses.add(
        responses.POST,
        ENDPOINT,
        json={
            "data": {
                "bulkOperation": {
                    "id": "gid://shopify/BulkOperation/7",
                    "status": "COMPLETED",
                    "errorCode": None,
                    "objectCount": "3",
                    "url": RESULT_URL,
                    "partialDataUrl": None,
                }
            }
        },
    )
    status = store().backfill_status("gid://shopify/BulkOperation/7")
    assert status == BackfillStatus(
        operation_id="gid://shopify/BulkOperation/7", status="COMPLETED", url=RESULT_URL, object_count=3
    )
    assert status.finished


def jsonl(*objects: dict) -> str:
    return "\n".join(json.dumps(o) for o in objects) + "\n"


def child(line: dict, parent: str) -> dict:
    return {**line, "__parentId": parent}


@responses.activate
def test_backfill_lines_find_their_order_before_and_after_it_and_orders_without_lines_stay_empty():
    # given a result file where one order's line comes before it, another's after, and a third order has none
    first, second, third = (order_node(n, with_lines=False) for n in (1001, 1002, 1003))
    body = jsonl(
        child(line_node(10011), first["id"]),
        first,
        second,
        third,
        child(line_node(10021, quantity=1, discounted="19.99"), second["id"]),
        child(line_node(10012, price="5.00", quantity=1, discounted="5.00"), first["id"]),
    )
    responses.add(responses.GET, RESULT_URL, body=body)
    status = BackfillStatus(operation_id="gid://shopify/BulkOperation/7", status="COMPLETED", url=RESULT_URL)
    # when the backfilled orders are read
    orders = {o.external_id: o for o in store().backfill_orders(status)}
    # then each order has exactly its own lines, in file order
    assert {k: [line.external_id for line in o.lines] for k, o in orders.items()} == {
        "gid://shopify/Order/1001": ["gid://shopify/LineItem/10011", "gid://shopify/LineItem/10012"],
        "gid://shopify/Order/1002": ["gid://shopify/LineItem/10021"],
        "gid://shopify/Order/1003": [],
    }
    # and the file was fetched without the access token
    assert "X-Shopify-Access-Token" not in responses.calls[0].request.headers


@responses.activate
def test_a_backfill_that_matched_nothing_yields_no_order_and_fetches_nothing():
    # given a completed operation without a result file
    status = BackfillStatus(operation_id="gid://shopify/BulkOperation/7", status="COMPLETED", url="")
    # then there is no order and no download
    assert list(store().backfill_orders(status)) == []
    assert len(responses.calls) == 0


@responses.activate
def test_an_expired_result_file_is_a_refusal_to_start_again():
    responses.add(responses.GET, RESULT_URL, body="<Error>ExpiredToken</Error>", status=403)
    status = BackfillStatus(operation_id="gid://shopify/BulkOperation/7", status="COMPLETED", url=RESULT_URL)
    with pytest.raises(Rejected, match="start the backfill again"):
        list(store().backfill_orders(status))


@responses.activate
def test_webhooks_are_registered_for_every_topic_and_an_existing_one_is_not_an_error():
    # given Shopify creating every subscription except ORDERS_PAID, which already goes to this address
    address = "https://hub.example.com/stores/webhooks/shopify/"

    def answer(request):
        variables = json.loads(request.body)["variables"]
        if "webhookSubscriptions(" in json.loads(request.body)["query"]:
            nodes = [{"id": "gid://shopify/WebhookSubscription/900", "topic": "ORDERS_PAID", "uri": address}]
            return 200, {}, json.dumps({"data": {"webhookSubscriptions": {"nodes": nodes}}})
        if variables["topic"] == "ORDERS_PAID":
            payload = {
                "webhookSubscription": None,
                "userErrors": [
                    {
                        "field": ["webhookSubscription", "callbackUrl"],
                        "message": "Address for this topic has already been taken",
                    }
                ],
            }
        else:
            payload = {
                "webhookSubscription": {
                    "id": f"gid://shopify/WebhookSubscription/{variables['topic']}",
                    "topic": variables["topic"],
                    "uri": address,
                },
                "userErrors": [],
            }
        return 200, {}, json.dumps({"data": {"webhookSubscriptionCreate": payload}})

    responses.add_callback(responses.POST, ENDPOINT, callback=answer)
    # when the webhooks are registered
    ids = store().webhooks_register(address=address)
    # then every topic has a subscription, ORDERS_PAID its existing one
    assert ids == [
        "gid://shopify/WebhookSubscription/900" if t == "ORDERS_PAID" else f"gid://shopify/WebhookSubscription/{t}"
        for t in WEBHOOK_TOPICS
    ]


@responses.activate
def test_a_webhook_topic_shopify_refuses_is_rejected_with_its_message():
    responses.add(
        responses.POST,
        ENDPOINT,
        json={
            "data": {
                "webhookSubscriptionCreate": {
                    "webhookSubscription": None,
                    "userErrors": [
                        {
                            "field": ["topic"],
                            "message": "This app is not approved to subscribe to webhook topics containing "
                            "protected customer data",
                        }
                    ],
                }
            }
        },
    )
    with pytest.raises(Rejected, match="protected customer data"):
        store().webhooks_register(address="https://hub.example.com/stores/webhooks/shopify/")


def _connection_depths(selection_set, depth=0):
    """The connection depth of every field that selects ``edges`` or ``nodes`` in a parsed document."""
    for field in selection_set.selections:
        if field.selection_set is None:
            continue
        names = {child.name.value for child in field.selection_set.selections if hasattr(child, "name")}
        here = depth + 1 if names & {"edges", "nodes"} else depth
        if here > depth:
            yield here
        yield from _connection_depths(field.selection_set, here)


def test_every_query_document_is_valid_graphql_and_the_bulk_query_keeps_shopifys_limits():
    # when every document the client sends is parsed
    documents = {name: getattr(queries, name) for name in dir(queries) if name.endswith(("_QUERY", "_MUTATION"))}
    parsed = {name: graphql_parse(text) for name, text in documents.items()}
    # then they are all GraphQL, and the bulk query has at most 5 connections nested at most 2 deep
    assert len(parsed) == 12
    depths = list(_connection_depths(parsed["BULK_ORDERS_QUERY"].definitions[0].selection_set))
    assert depths == [1, 2]
    assert "first:" not in documents["BULK_ORDERS_QUERY"]


@responses.activate
def test_the_sandbox_stores_graphql_endpoint_is_used_in_sandbox_mode(settings):
    # given sandbox mode
    settings.PLATFORM_MODE = "sandbox"
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox"
    responses.add(
        responses.POST,
        f"http://127.0.0.1:9/sandbox/shopify/{SHOP}/admin/api/2026-10/graphql.json",
        json={"data": {"shop": {"id": "1"}}},
    )
    # then the query goes to the sandbox store of that shop
    assert client().execute(QUERY) == {"shop": {"id": "1"}}


def _requested_cost(selection_set, first: int) -> int:
    """Shopify's requested cost of a selection: an object costs 1, a connection 2 + first x its node's cost (a
    ``$first`` variable is the page size the client sends), a scalar 0."""
    total = 0
    for field in selection_set.selections:
        if field.selection_set is None:
            continue
        size = None
        for argument in field.arguments:
            if argument.name.value == "first":
                size = first if hasattr(argument.value, "name") else int(argument.value.value)
        children = _requested_cost(field.selection_set, first)
        if size is not None:
            total += 2 + size * children
        elif field.name.value in ("edges", "nodes"):
            total += children
        else:
            total += 1 + children
    return total


@pytest.mark.parametrize(
    ("name", "page_size"),
    [
        ("PRODUCTS_QUERY", queries.PRODUCTS_PAGE_SIZE),
        ("PRODUCT_VARIANTS_QUERY", 100),
        ("CUSTOMERS_QUERY", 100),
        ("ORDERS_QUERY", queries.ORDERS_PAGE_SIZE),
        ("ORDER_QUERY", 0),
        ("ORDER_LINES_QUERY", 100),
    ],
)
def test_each_paged_query_stays_under_shopifys_1000_point_cost_limit(name, page_size):
    document = graphql_parse(getattr(queries, name))
    assert _requested_cost(document.definitions[0].selection_set, page_size) <= 1000


@responses.activate
def test_an_order_with_more_lines_than_the_first_slice_has_the_rest_read_after_it():
    # given an order whose first slice of lines says there are more, and the rest of them
    node = order_node(1001)
    node["lineItems"] = {"nodes": [line_node(1)], "pageInfo": {"hasNextPage": True, "endCursor": "l1"}}
    responses.add(
        responses.POST,
        ENDPOINT,
        json={"data": {"orders": {"nodes": [node], "pageInfo": {"hasNextPage": False, "endCursor": None}}}},
    )
    responses.add(
        responses.POST,
        ENDPOINT,
        json={
            "data": {
                "order": {
                    "lineItems": {
                        "nodes": [line_node(2), line_node(3)],
                        "pageInfo": {"hasNextPage": False, "endCursor": "l3"},
                    }
                }
            }
        },
    )
    # when the orders are read
    (order,) = list(store().orders())
    # then the order has all three lines, the rest asked after the slice's cursor
    assert [line.external_id for line in order.lines] == [f"gid://shopify/LineItem/{n}" for n in (1, 2, 3)]
    assert json.loads(responses.calls[1].request.body)["variables"] == {
        "id": "gid://shopify/Order/1001",
        "first": 100,
        "after": "l1",
    }


@responses.activate
def test_a_backfill_read_stopped_halfway_leaves_no_spool_behind(tmp_path, monkeypatch):
    # given a result file of two orders, spooled under a temporary directory of the test's own
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    body = jsonl(order_node(1001, with_lines=False), order_node(1002, with_lines=False))
    responses.add(responses.GET, RESULT_URL, body=body)
    status = BackfillStatus(operation_id="gid://shopify/BulkOperation/7", status="COMPLETED", url=RESULT_URL)
    orders = store().backfill_orders(status)
    # when the reader takes one order and stops
    first = next(orders)
    assert list(tmp_path.iterdir()) != []
    orders.close()
    # then the spool is gone
    assert first.external_id == "gid://shopify/Order/1001"
    assert list(tmp_path.iterdir()) == []


@responses.activate
def test_a_backfill_file_with_a_line_that_is_not_json_is_rejected(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    responses.add(responses.GET, RESULT_URL, body='{"id": "gid://shopify/Order/1"\n')
    status = BackfillStatus(operation_id="gid://shopify/BulkOperation/7", status="COMPLETED", url=RESULT_URL)
    with pytest.raises(Rejected, match="not JSON"):
        list(store().backfill_orders(status))
    assert list(tmp_path.iterdir()) == []


@responses.activate
def test_a_backfill_file_is_read_as_a_stream_never_whole(tmp_path, monkeypatch):
    # given a result file of 10,000 orders, many times the download's chunk and the spool's batch
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(shopify_store, "DOWNLOAD_CHUNK_BYTES", 64 * 1024)
    monkeypatch.setattr(shopify_store, "SPOOL_BATCH", 500)
    template = json.dumps(order_node(1, with_lines=False))
    body = "".join(template.replace('Order/1"', f'Order/{n}"', 1) + "\n" for n in range(1, 10_001)).encode()
    responses.add(responses.GET, RESULT_URL, body=body)
    status = BackfillStatus(operation_id="gid://shopify/BulkOperation/7", status="COMPLETED", url=RESULT_URL)

    # when every order is read, counting the memory allocated meanwhile
    tracemalloc.start()
    try:
        read = sum(1 for _ in store().backfill_orders(status))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # then every order came through and no copy of the whole file was ever made
    assert read == 10_000
    assert peak < len(body) / 4
