"""Bulk operations of the sandbox Shopify: Shopify's checks on the query, the run, the JSONL with ``__parentId``."""

import datetime as dt
import json
from pathlib import Path
from unittest.mock import patch

import pytest
from django.conf import settings
from django.db import transaction

from growthhub.celery import app as celery_app
from platforms.shopify import queries
from sandbox.models import ShopifyBulkOperation, ShopifyOrderLine, ShopifyWebhookDelivery
from tests.sandbox.shopify_helpers import graphql, place_order, shop_with_catalogue, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def result_dir(settings, tmp_path):
    settings.SANDBOX_BULK_RESULT_DIR = tmp_path / "bulk-results"
    return settings.SANDBOX_BULK_RESULT_DIR


@pytest.fixture
def eager():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def shop():
    shop = shop_with_catalogue()
    place_order(shop)
    place_order(shop, email="ben@example.com", quantity=3)
    return shop


def _result(operation: ShopifyBulkOperation) -> str:
    return Path(operation.result_path).read_text(encoding="utf-8")


def _run(client, shop, token, query, capture):
    with capture(execute=True):
        body = graphql(client, shop, token, queries.BULK_RUN_MUTATION, {"query": query}).json()
    return body["data"]["bulkOperationRunQuery"]


def test_the_backfill_query_runs_to_a_jsonl_file_with_lines_under_their_order(
    client, shop, eager, django_capture_on_commit_callbacks
):
    # given the hub's token
    token = token_for(shop).access_token

    # when the hub's bulk backfill is started and polled
    started = _run(client, shop, token, queries.BULK_ORDERS_QUERY, django_capture_on_commit_callbacks)
    operation_id = started["bulkOperation"]["id"]
    status = graphql(client, shop, token, queries.BULK_STATUS_QUERY, {"id": operation_id}).json()["data"]
    status = status["bulkOperation"]

    # then it started CREATED, is COMPLETED with a URL, and the file holds each order then each line naming it
    assert started["userErrors"] == [] and started["bulkOperation"]["status"] == "CREATED"
    assert status["status"] == "COMPLETED"
    download = client.get(status["url"].split("testserver", 1)[1])
    lines = [json.loads(line) for line in download.getvalue().decode().splitlines()]
    orders = [line for line in lines if "__parentId" not in line]
    children = [line for line in lines if "__parentId" in line]
    assert int(status["objectCount"]) == len(lines) == 4
    assert {o["id"] for o in orders} == {c["__parentId"] for c in children}
    assert all(c["id"].startswith("gid://shopify/LineItem/") for c in children)
    assert lines.index(children[0]) > max(lines.index(o) for o in orders)
    assert "lineItems" not in orders[0] and isinstance(orders[0]["refunds"], list)
    assert sorted(c["quantity"] for c in children) == [2, 3]


def test_current_bulk_operation_is_the_apps_latest(client, shop, eager, django_capture_on_commit_callbacks):
    token = token_for(shop).access_token
    started = _run(client, shop, token, queries.BULK_ORDERS_QUERY, django_capture_on_commit_callbacks)

    # when the app asks for its current bulk operation
    body = graphql(client, shop, token, "{ currentBulkOperation { id status objectCount rootObjectCount } }").json()

    # then it is the one just run, with its two root objects
    current = body["data"]["currentBulkOperation"]
    assert current["id"] == started["bulkOperation"]["id"]
    assert current["rootObjectCount"] == "2"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ shop { id name } }", "at least one connection"),
        (
            "{ orders { edges { node { id lineItems { edges { node { id variant { id product { id "
            "variants { edges { node { id } } } } } } } } } } } }",
            "nesting depth",
        ),
        ("{ orders { edges { node { name lineItems { edges { node { id } } } } } } }", "must select the 'id'"),
        ("{ orders { edges { node { nope } } } }", "Invalid bulk query"),
        (
            'mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: {uri: "x"}) '
            "{ userErrors { message } } }",
            "query operations",
        ),
    ],
)
def test_a_query_shopify_would_refuse_gives_user_errors_and_starts_nothing(client, shop, query, message):
    token = token_for(shop).access_token

    # when the bulk query breaks one of Shopify's rules
    body = graphql(client, shop, token, queries.BULK_RUN_MUTATION, {"query": query}).json()

    # then userErrors say which, and no operation exists
    payload = body["data"]["bulkOperationRunQuery"]
    assert payload["bulkOperation"] is None
    assert message in payload["userErrors"][0]["message"]
    assert not ShopifyBulkOperation.objects.exists()


def test_a_result_link_expires_after_seven_days(client, shop, eager, django_capture_on_commit_callbacks):
    # given a completed operation whose result was written eight days ago
    token = token_for(shop).access_token
    started = _run(client, shop, token, queries.BULK_ORDERS_QUERY, django_capture_on_commit_callbacks)
    operation = ShopifyBulkOperation.objects.get()
    url = f"/sandbox/shopify/{shop.domain}/bulk-results/{operation.download_key}.jsonl"
    ShopifyBulkOperation.objects.update(completed_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=8))

    # when it is polled and downloaded
    status = graphql(client, shop, token, queries.BULK_STATUS_QUERY, {"id": started["bulkOperation"]["id"]}).json()

    # then it is EXPIRED without a URL and the file is refused
    assert status["data"]["bulkOperation"]["status"] == "EXPIRED"
    assert status["data"]["bulkOperation"]["url"] is None
    assert client.get(url).status_code == 403


def test_a_bulk_query_reads_only_what_the_token_may(client, shop, eager, django_capture_on_commit_callbacks):
    # given a token without read_orders
    token = token_for(shop, scopes=["read_products"]).access_token

    # when it runs the order backfill
    _run(client, shop, token, queries.BULK_ORDERS_QUERY, django_capture_on_commit_callbacks)

    # then the operation fails with ACCESS_DENIED and no file
    operation = ShopifyBulkOperation.objects.get()
    assert (operation.status, operation.error_code, operation.result_path) == ("FAILED", "ACCESS_DENIED", "")
    assert not any(Path(settings.SANDBOX_BULK_RESULT_DIR).iterdir())
    assert ShopifyOrderLine.objects.count() == 2


def test_the_end_of_a_run_is_queued_to_the_apps_bulk_operations_finish_subscription(
    client, shop, eager, django_capture_on_commit_callbacks
):
    # given the app subscribed to bulk_operations/finish
    token = token_for(shop).access_token
    variables = {"topic": "BULK_OPERATIONS_FINISH", "uri": "https://hub.example/webhooks/shopify"}
    graphql(client, shop, token, queries.WEBHOOK_CREATE_MUTATION, variables)

    # when a bulk query runs to its end (the receiver is not reachable: the delivery waits for its retry)
    with patch("sandbox.tasks.shopify_webhook_deliver_task.delay") as deliver:
        started = _run(client, shop, token, queries.BULK_ORDERS_QUERY, django_capture_on_commit_callbacks)

    # then one delivery names the operation as completed
    delivery = ShopifyWebhookDelivery.objects.get(topic="bulk_operations/finish")
    body = json.loads(delivery.body)
    assert body["admin_graphql_api_id"] == started["bulkOperation"]["id"]
    assert (body["status"], body["type"]) == ("completed", "query")
    deliver.assert_called_once_with(delivery.pk)


def test_group_objects_puts_each_line_right_after_its_order(client, shop, eager, django_capture_on_commit_callbacks):
    token = token_for(shop).access_token
    mutation = """mutation Run($query: String!) {
      bulkOperationRunQuery(query: $query, groupObjects: true) { bulkOperation { id } userErrors { message } }
    }"""

    # when the backfill query runs with groupObjects: true
    with django_capture_on_commit_callbacks(execute=True):
        graphql(client, shop, token, mutation, {"query": queries.BULK_ORDERS_QUERY})

    # then every line follows its own order
    lines = [json.loads(line) for line in _result(ShopifyBulkOperation.objects.get()).splitlines()]
    for index, line in enumerate(lines):
        if "__parentId" in line:
            assert (
                lines[index - 1]["id"] == line["__parentId"] or lines[index - 1].get("__parentId") == line["__parentId"]
            )


@pytest.mark.parametrize("group", [False, True])
def test_a_history_read_a_few_orders_at_a_time_gives_the_file_one_read_gives(
    client, shop, eager, django_capture_on_commit_callbacks, group
):
    # given a shop of seven orders, two of them of several lines, and a query over orders and their products
    for n in range(5):
        place_order(shop, email=f"buyer{n}@example.com", quantity=n + 1)
    token = token_for(shop).access_token
    mutation = """mutation Run($query: String!, $group: Boolean!) {
      bulkOperationRunQuery(query: $query, groupObjects: $group) { bulkOperation { id } userErrors { message } }
    }"""
    query = queries.BULK_ORDERS_QUERY.replace("{\n  orders", "{\n  products { edges { node { id title } } }\n  orders")

    # when the same query runs read whole and read three top-level nodes at a time
    results = []
    for window in (10_000, 3):
        with patch("sandbox.shopify.bulk.BULK_WINDOW", window), django_capture_on_commit_callbacks(execute=True):
            body = graphql(client, shop, token, mutation, {"query": query, "group": group}).json()
        assert body["data"]["bulkOperationRunQuery"]["userErrors"] == []
        results.append(ShopifyBulkOperation.objects.order_by("-pk").first())

    # then both files are the same, line for line, with every order and product once
    whole, windowed = results
    assert whole.status == windowed.status == "COMPLETED"
    assert _result(windowed) == _result(whole)
    assert (windowed.object_count, windowed.root_object_count) == (whole.object_count, whole.root_object_count)
    roots = [json.loads(line)["id"] for line in _result(whole).splitlines() if "__parentId" not in line]
    assert len(roots) == len(set(roots)) == 7 + shop.products.count()


def test_a_query_whose_connection_is_not_at_the_top_is_read_whole(
    client, shop, eager, django_capture_on_commit_callbacks
):
    # given a bulk query whose only connection hangs under the shop object
    token = token_for(shop).access_token
    query = "{ shop { name } orders { edges { node { id } } } }"

    # when it runs read one top-level node at a time
    with patch("sandbox.shopify.bulk.BULK_WINDOW", 1):
        operation = _run(client, shop, token, query, django_capture_on_commit_callbacks)

    # then the file holds each order once
    assert operation["userErrors"] == []
    lines = _result(ShopifyBulkOperation.objects.get()).splitlines()
    assert len(lines) == len(set(lines)) == 2


def test_the_result_is_a_file_of_its_own_streamed_by_the_result_link(
    client, shop, eager, django_capture_on_commit_callbacks
):
    # given a completed backfill
    token = token_for(shop).access_token
    started = _run(client, shop, token, queries.BULK_ORDERS_QUERY, django_capture_on_commit_callbacks)
    status = graphql(client, shop, token, queries.BULK_STATUS_QUERY, {"id": started["bulkOperation"]["id"]}).json()

    # when its link is fetched
    download = client.get(status["data"]["bulkOperation"]["url"].split("testserver", 1)[1])

    # then the row names a file under the results folder, of the size and line count it states, and the link streams
    # that file as it is
    operation = ShopifyBulkOperation.objects.get()
    path = Path(operation.result_path)
    assert path.parent == Path(settings.SANDBOX_BULK_RESULT_DIR)
    assert operation.result_size == path.stat().st_size > 0
    assert operation.object_count == len(path.read_text(encoding="utf-8").splitlines()) == 4
    assert download.streaming and download["Content-Type"] == "application/jsonl"
    assert b"".join(download.streaming_content) == path.read_bytes()
    assert not list(path.parent.glob("*.children"))


@pytest.mark.parametrize("deleted", ["operation", "shop"])
def test_deleting_an_operation_or_its_shop_removes_its_result_file(
    client, shop, eager, django_capture_on_commit_callbacks, deleted
):
    # given a completed operation and its file
    token = token_for(shop).access_token
    _run(client, shop, token, queries.BULK_ORDERS_QUERY, django_capture_on_commit_callbacks)
    path = Path(ShopifyBulkOperation.objects.get().result_path)
    assert path.exists()

    # when the operation, or the whole shop, is deleted
    with django_capture_on_commit_callbacks(execute=True):
        (ShopifyBulkOperation.objects.get() if deleted == "operation" else shop).delete()

    # then its file is gone
    assert not path.exists()


def test_a_deletion_rolled_back_keeps_the_file(client, shop, eager, django_capture_on_commit_callbacks):
    token = token_for(shop).access_token
    _run(client, shop, token, queries.BULK_ORDERS_QUERY, django_capture_on_commit_callbacks)
    operation = ShopifyBulkOperation.objects.get()
    pk, path = operation.pk, Path(operation.result_path)

    # when the deletion's transaction is rolled back
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        operation.delete()
        raise RuntimeError("rolled back")

    # then the row and its file are both still there
    assert ShopifyBulkOperation.objects.filter(pk=pk).exists()
    assert path.exists()


def test_a_result_file_gone_from_disk_is_a_404(client, shop, eager, django_capture_on_commit_callbacks):
    token = token_for(shop).access_token
    _run(client, shop, token, queries.BULK_ORDERS_QUERY, django_capture_on_commit_callbacks)
    operation = ShopifyBulkOperation.objects.get()
    Path(operation.result_path).unlink()

    # when its link is fetched
    response = client.get(f"/sandbox/shopify/{shop.domain}/bulk-results/{operation.download_key}.jsonl")

    # then it is not found, not a server error
    assert response.status_code == 404
