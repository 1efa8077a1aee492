"""Bulk query operations: the checks Shopify makes on the query, its run, and the JSONL result.

Docs: https://shopify.dev/docs/api/usage/bulk-operations/queries. A bulk query has at least one and at most five
connections, nested at most two deep, and a node holding a nested connection must select its ``id``. The result has
one JSON object per line, written to a file as the operation runs; the nodes of a nested connection are lines of
their own naming their parent in ``__parentId``. Since 2026-01 (``groupObjects: false``, the default) a child line is
not guaranteed to follow its parent: the sandbox writes every root line first, then the children. The app's
bulk_operations/finish subscriptions hear of the end.
"""

import datetime as dt
import json
import logging
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    execute,
    get_named_type,
    parse,
    validate,
)
from graphql.error import GraphQLSyntaxError

from sandbox.models import SandboxApp, ShopifyBulkOperation, ShopifyBulkStatus, ShopifyShop
from sandbox.shopify.execution import BulkExecutionContext, never_awaitable
from sandbox.shopify.paging import BulkWindow
from sandbox.shopify.webhooks import deliveries_queue

logger = logging.getLogger(__name__)

MAX_CONNECTIONS = 5
MAX_DEPTH = 2
MAX_RUNNING = 5
MAX_QUERY_LENGTH = 50_000
# Top-level nodes read and turned into lines per execution of a bulk query.
BULK_WINDOW = 2000
# Bytes copied at a time when the children's side file is appended to the result.
RESULT_COPY_CHUNK = 1 << 20
RUNNING = (ShopifyBulkStatus.CREATED, ShopifyBulkStatus.RUNNING)


class BulkQueryInvalid(Exception):
    """The bulk query breaks one of Shopify's rules; the message is Shopify's userError text."""


def _connections(schema: GraphQLSchema, selection_set: SelectionSetNode | None, parent: Any, depth: int) -> int:
    """How many connections the selection holds; raises BulkQueryInvalid past the depth or for a missing id."""
    count = 0
    for field in selection_set.selections if selection_set else ():
        if not isinstance(field, FieldNode) or not isinstance(parent, GraphQLObjectType):
            raise BulkQueryInvalid("Bulk queries cannot contain fragments.")
        definition = parent.fields.get(field.name.value)
        if definition is None:
            continue
        named = get_named_type(definition.type)
        if named.name.endswith("Connection"):
            if depth + 1 > MAX_DEPTH:
                raise BulkQueryInvalid(
                    f"Bulk queries cannot contain connections with a nesting depth greater than {MAX_DEPTH}."
                )
            node_type = get_named_type(named.fields["nodes"].type)
            for inner in field.selection_set.selections if field.selection_set else ():
                if not isinstance(inner, FieldNode):
                    raise BulkQueryInvalid("Bulk queries cannot contain fragments.")
                if inner.name.value == "nodes":
                    count += _node_connections(schema, inner.selection_set, node_type, depth + 1)
                elif inner.name.value == "edges":
                    for edge_field in inner.selection_set.selections if inner.selection_set else ():
                        if isinstance(edge_field, FieldNode) and edge_field.name.value == "node":
                            count += _node_connections(schema, edge_field.selection_set, node_type, depth + 1)
            count += 1
        elif isinstance(named, GraphQLObjectType):
            count += _connections(schema, field.selection_set, named, depth)
    return count


def _node_connections(schema: GraphQLSchema, selection_set: SelectionSetNode | None, node_type: Any, depth: int) -> int:
    inner = _connections(schema, selection_set, node_type, depth)
    selected = {f.name.value for f in selection_set.selections if isinstance(f, FieldNode)} if selection_set else set()
    if inner and "id" not in selected:
        raise BulkQueryInvalid("The parent 'node' field for a nested connection must select the 'id' field.")
    return inner


def bulk_query_check(schema: GraphQLSchema, query: str) -> None:
    """Raise BulkQueryInvalid unless ``query`` is a valid query Shopify would run in bulk."""
    if len(query) > MAX_QUERY_LENGTH:
        raise BulkQueryInvalid(f"Bulk queries are limited to {MAX_QUERY_LENGTH} characters.")
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        raise BulkQueryInvalid(f"Invalid bulk query: {exc.message}") from exc
    errors = validate(schema, document)
    if errors:
        raise BulkQueryInvalid(f"Invalid bulk query: {errors[0].message}")
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or len(document.definitions) != 1:
        raise BulkQueryInvalid("Bulk queries must contain exactly one query operation and no fragments.")
    if operations[0].operation != OperationType.QUERY:
        raise BulkQueryInvalid("Bulk queries must be query operations: use bulkOperationRunMutation for mutations.")
    count = _connections(schema, operations[0].selection_set, schema.query_type, 0)
    if count == 0:
        raise BulkQueryInvalid("Bulk queries must contain at least one connection.")
    if count > MAX_CONNECTIONS:
        raise BulkQueryInvalid(f"Bulk queries cannot contain more than {MAX_CONNECTIONS} connections.")


@transaction.atomic
def shopify_bulk_operation_create(
    *, schema: GraphQLSchema, shop: ShopifyShop, app: SandboxApp, query: str, scopes: list[str], group: bool = False
) -> ShopifyBulkOperation:
    """Record a checked bulk query (its run is the caller's to start once committed). Raises BulkQueryInvalid and
    records nothing when Shopify would refuse it."""
    bulk_query_check(schema, query)
    running = ShopifyBulkOperation.objects.select_for_update().filter(shop=shop, app=app, status__in=RUNNING)
    if running.count() >= MAX_RUNNING:
        raise BulkQueryInvalid(
            f"A shop can run at most {MAX_RUNNING} bulk query operations at once for this app; wait for one to finish."
        )
    operation = ShopifyBulkOperation.objects.create(
        shop=shop,
        app=app,
        query=query,
        scopes=list(scopes),
        group_objects=group,
        download_key=secrets.token_urlsafe(32),
        created_at=dt.datetime.now(dt.UTC),
    )
    return operation


def _connection_items(value: Any) -> list[dict[str, Any]] | None:
    """The nodes of a connection value, None for anything that is not a connection."""
    if not isinstance(value, dict) or not ({"edges", "nodes"} & set(value)):
        return None
    if isinstance(value.get("nodes"), list):
        return [item for item in value["nodes"] if isinstance(item, dict)]
    return [e["node"] for e in value.get("edges") or [] if isinstance(e, dict) and isinstance(e.get("node"), dict)]


def _emit_lines(
    data: dict[str, Any], *, write_root: Callable[[str], None], write_child: Callable[[str], None], group: bool
) -> int:
    """Write the result's lines, returning how many are root objects: each nested connection's nodes become lines of
    their own with ``__parentId`` (right after their parent when ``group``, else through ``write_child``); plain
    nested objects and lists stay inside their line."""
    encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

    def emit(node: dict[str, Any], parent_id: str | None, write: Callable[[str], None]) -> None:
        line: dict[str, Any] = {}
        nested: list[list[dict[str, Any]]] = []
        for key, value in node.items():
            items = _connection_items(value)
            if items is None:
                line[key] = value
            else:
                nested.append(items)
        if parent_id:
            line["__parentId"] = parent_id
        write(encode(line))
        for items in nested:
            for item in items:
                emit(item, str(node.get("id")), write if group else write_child)

    root_count = 0
    for value in data.values():
        for item in _connection_items(value) or []:
            emit(item, None, write_root)
            root_count += 1
    return root_count


class BulkResultWriter:
    """The JSONL result file, written line by line as the windows run. Roots go to the file itself; the children of
    an ungrouped result go to a side file appended after the last root, so neither is ever held in memory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._roots = path.open("w", encoding="utf-8", newline="\n")
        self._children_path = path.with_name(path.name + ".children")
        self._children = self._children_path.open("w+", encoding="utf-8", newline="\n")

    def write_root(self, line: str) -> None:
        self._roots.write(line + "\n")
        self.lines += 1

    def write_child(self, line: str) -> None:
        self._children.write(line + "\n")
        self.lines += 1

    def finish(self) -> int:
        """Append the children after the roots, close the file and return its size in bytes."""
        self._children.seek(0)
        shutil.copyfileobj(self._children, self._roots, RESULT_COPY_CHUNK)
        self._close()
        return self.path.stat().st_size

    def discard(self) -> None:
        self._close()
        self.path.unlink(missing_ok=True)

    def _close(self) -> None:
        self._roots.close()
        self._children.close()
        self._children_path.unlink(missing_ok=True)


def _windowed_run(
    schema: GraphQLSchema, document: DocumentNode, context: dict[str, Any], writer: BulkResultWriter, *, group: bool
) -> tuple[list[GraphQLError], int]:
    """(errors, how many roots were written) of the query run ``BULK_WINDOW`` top-level nodes at a time, so only one
    window's rows and nodes are held at once (a shop's whole history would not fit). The roots come first in their
    connection's order, then the children, as one execution would give them. A query whose top-level fields are not
    all windowed connections runs once, whole."""
    window = BulkWindow(size=BULK_WINDOW)
    root_count = 0
    while True:
        result = execute(
            schema,
            document,
            context_value={**context, "bulk_window": window},
            execution_context_class=BulkExecutionContext,
            is_awaitable=never_awaitable,
        )
        if result.errors or not isinstance(result.data, dict):
            return list(result.errors or [GraphQLError("no data")]), 0
        if set(result.data) != window.seen:
            result = execute(
                schema,
                document,
                context_value=context,
                execution_context_class=BulkExecutionContext,
                is_awaitable=never_awaitable,
            )
            if result.errors or not isinstance(result.data, dict):
                return list(result.errors or [GraphQLError("no data")]), 0
            count = _emit_lines(result.data, write_root=writer.write_root, write_child=writer.write_child, group=group)
            return [], count
        root_count += _emit_lines(
            result.data, write_root=writer.write_root, write_child=writer.write_child, group=group
        )
        if window.done:
            return [], root_count


def bulk_result_path(operation: ShopifyBulkOperation) -> Path:
    """A fresh file for the operation's result, named so that no guess of a name finds it."""
    return Path(settings.SANDBOX_BULK_RESULT_DIR) / f"{operation.pk}-{secrets.token_hex(8)}.jsonl"


def bulk_result_remove(path: str) -> None:
    """Remove a result file once the transaction that dropped it commits (a rollback keeps the row and its file)."""
    if path:
        transaction.on_commit(lambda: Path(path).unlink(missing_ok=True))


def bulk_result_deleted(sender: type, instance: ShopifyBulkOperation, **kwargs: Any) -> None:
    """post_delete of an operation (its own or its shop's deletion): its result file goes too."""
    bulk_result_remove(instance.result_path)


def shopify_bulk_operation_run(*, operation_id: int, schema: GraphQLSchema) -> ShopifyBulkOperation:
    """Run a created bulk operation to its end: COMPLETED with its result file, or FAILED with an error code."""
    with transaction.atomic():
        operation = ShopifyBulkOperation.objects.select_for_update().select_related("shop", "app").get(pk=operation_id)
        if operation.status != ShopifyBulkStatus.CREATED:
            return operation
        operation.status = ShopifyBulkStatus.RUNNING
        operation.save(update_fields=["status"])
    context = {
        "shop": operation.shop,
        "app": operation.app,
        "scopes": list(operation.scopes),
        "bulk": True,
        "search_warnings": [],
        "result_url": lambda op: "",
    }
    writer = BulkResultWriter(bulk_result_path(operation))
    try:
        errors, roots = _windowed_run(schema, parse(operation.query), context, writer, group=operation.group_objects)
    except BaseException:
        writer.discard()
        raise
    previous_path = operation.result_path
    if errors:
        writer.discard()
        codes = {(e.extensions or {}).get("code") for e in errors}
        operation.status = ShopifyBulkStatus.FAILED
        operation.error_code = "ACCESS_DENIED" if "ACCESS_DENIED" in codes else "INTERNAL_SERVER_ERROR"
        operation.result_path, operation.result_size = "", 0
        logger.info("sandbox shopify bulk operation %s failed: %s", operation.pk, errors)
    else:
        operation.status = ShopifyBulkStatus.COMPLETED
        operation.result_size = writer.finish()
        operation.result_path = str(writer.path)
        operation.object_count, operation.root_object_count = writer.lines, roots
    operation.completed_at = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        operation.save(
            update_fields=[
                "status",
                "error_code",
                "result_path",
                "result_size",
                "object_count",
                "root_object_count",
                "completed_at",
            ]
        )
        if previous_path != operation.result_path:
            bulk_result_remove(previous_path)
        deliveries_queue(
            shop=operation.shop, topic="BULK_OPERATIONS_FINISH", payload=finish_payload(operation), app=operation.app
        )
    return operation


def finish_payload(operation: ShopifyBulkOperation) -> dict[str, Any]:
    """The bulk_operations/finish body: which operation ended, when, and how."""
    return {
        "admin_graphql_api_id": f"gid://shopify/BulkOperation/{operation.pk}",
        "completed_at": operation.completed_at.isoformat() if operation.completed_at else None,
        "created_at": operation.created_at.isoformat(),
        "error_code": operation.error_code.lower() or None,
        "status": operation.status.lower(),
        "type": "query",
    }
