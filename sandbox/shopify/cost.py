"""Query cost as Shopify computes it, and the leaky bucket it is paid from.

Docs: https://shopify.dev/docs/api/usage/limits#cost-calculation. A scalar or enum costs 0, an object 1, a connection
2 plus ``first`` times the cost of one of its nodes (a list field with ``first`` likewise, without the 2), a mutation
10. The requested cost counts every connection as full; the actual cost counts the nodes the answer holds. A query
is run only when the bucket holds its requested cost; the difference to the actual cost is handed back after.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)

from sandbox.models import ShopifyShop

MAXIMUM_AVAILABLE = 2000.0
RESTORE_RATE = 100.0
SINGLE_QUERY_MAX_COST = 1000
MUTATION_COST = 10
# The cost of a connection that names no page size (Shopify's maximum page).
DEFAULT_FIRST = 250


@dataclass(frozen=True)
class Throttle:
    maximum_available: float
    currently_available: float
    restore_rate: float

    def as_extension(self) -> dict[str, float]:
        return {
            "maximumAvailable": self.maximum_available,
            "currentlyAvailable": self.currently_available,
            "restoreRate": self.restore_rate,
        }


class _Walker:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def _fields(self, selection_set: SelectionSetNode | None, parent: Any) -> list[tuple[FieldNode, Any]]:
        """The fields of a selection with the type each is read on (fragments flattened)."""
        found: list[tuple[FieldNode, Any]] = []
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                found.append((selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                on = self.schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
                found.extend(self._fields(selection.selection_set, on))
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in self.fragments:
                fragment = self.fragments[selection.name.value]
                found.extend(
                    self._fields(fragment.selection_set, self.schema.get_type(fragment.type_condition.name.value))
                )
        return found

    def _first(self, field: FieldNode) -> int | None:
        for argument in field.arguments:
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                return given if isinstance(given, int) and not isinstance(given, bool) else None
        return None

    def _node_selections(self, field: FieldNode, connection: GraphQLObjectType) -> list[tuple[FieldNode, Any]]:
        """The selections made on the connection's node type, through ``nodes`` or ``edges { node }``."""
        node_type = get_named_type(connection.fields["nodes"].type)
        chosen: list[Any] = []
        for inner, _ in self._fields(field.selection_set, connection):
            if inner.name.value == "nodes":
                chosen.append(inner.selection_set)
            elif inner.name.value == "edges":
                edge = get_named_type(connection.fields["edges"].type)
                chosen.extend(
                    n.selection_set for n, _ in self._fields(inner.selection_set, edge) if n.name.value == "node"
                )
        return [pair for selection in chosen for pair in self._fields(selection, node_type)]

    @staticmethod
    def _items(connection_data: Any) -> list[Any]:
        if not isinstance(connection_data, dict):
            return []
        if isinstance(connection_data.get("nodes"), list):
            return connection_data["nodes"]
        return [edge.get("node") for edge in connection_data.get("edges") or [] if isinstance(edge, dict)]

    def cost(self, fields: list[tuple[FieldNode, Any]], data: Any, *, actual: bool) -> int:
        total = 0
        for field, parent in fields:
            name = field.name.value
            if name.startswith("__") or not isinstance(parent, GraphQLObjectType) or name not in parent.fields:
                continue
            key = field.alias.value if field.alias else name
            if actual and (not isinstance(data, dict) or key not in data):
                continue
            value = data.get(key) if actual else None
            field_type = parent.fields[name].type
            named = get_named_type(field_type)
            if is_leaf_type(named) or named.name == "PageInfo":
                continue
            if named.name.endswith("Connection"):
                node_fields = self._node_selections(field, named)
                if actual:
                    total += 2 + sum(1 + self.cost(node_fields, item, actual=True) for item in self._items(value))
                else:
                    size = self._first(field)
                    total += 2 + (DEFAULT_FIRST if size is None else size) * (
                        1 + self.cost(node_fields, None, actual=False)
                    )
                continue
            inner = self._fields(field.selection_set, named) if isinstance(named, GraphQLObjectType) else []
            unwrapped = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
            if isinstance(unwrapped, GraphQLList):
                if actual:
                    total += sum(1 + self.cost(inner, item, actual=True) for item in value or [])
                else:
                    total += (self._first(field) or 1) * (1 + self.cost(inner, None, actual=False))
            elif not actual or value is not None:
                total += 1 + self.cost(inner, value, actual=actual)
            else:
                total += 1
        return total


def _operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        return next((op for op in operations if op.name and op.name.value == operation_name), None)
    return operations[0] if len(operations) == 1 else None


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    operation_name: str | None,
    variables: dict[str, Any],
    data: Any = None,
) -> int:
    """The requested cost of the operation (``data`` None) or its actual cost given the answer's ``data``."""
    operation = _operation(document, operation_name)
    if operation is None:
        return 0
    walker = _Walker(schema, document, variables)
    if operation.operation == OperationType.MUTATION:
        return MUTATION_COST * len(walker._fields(operation.selection_set, schema.mutation_type))
    fields = walker._fields(operation.selection_set, schema.query_type)
    return walker.cost(fields, data, actual=data is not None)


def _restored(shop: ShopifyShop, now: dt.datetime) -> float:
    if shop.cost_checked_at is None:
        return MAXIMUM_AVAILABLE
    elapsed = max(0.0, (now - shop.cost_checked_at).total_seconds())
    return min(MAXIMUM_AVAILABLE, shop.cost_available + elapsed * RESTORE_RATE)


@transaction.atomic
def bucket_take(*, shop_id: int, cost: int, now: dt.datetime | None = None) -> tuple[bool, Throttle]:
    """Take ``cost`` points from the shop's bucket if it holds them: (taken, the bucket after)."""
    now = now or dt.datetime.now(dt.UTC)
    shop = ShopifyShop.objects.select_for_update().get(pk=shop_id)
    available = _restored(shop, now)
    taken = cost <= available
    shop.cost_available = available - cost if taken else available
    shop.cost_checked_at = now
    shop.save(update_fields=["cost_available", "cost_checked_at"])
    return taken, Throttle(MAXIMUM_AVAILABLE, round(shop.cost_available, 1), RESTORE_RATE)


@transaction.atomic
def bucket_refund(*, shop_id: int, points: int, now: dt.datetime | None = None) -> Throttle:
    """Hand back the points a query was charged beyond its actual cost."""
    now = now or dt.datetime.now(dt.UTC)
    shop = ShopifyShop.objects.select_for_update().get(pk=shop_id)
    shop.cost_available = min(MAXIMUM_AVAILABLE, _restored(shop, now) + max(0, points))
    shop.cost_checked_at = now
    shop.save(update_fields=["cost_available", "cost_checked_at"])
    return Throttle(MAXIMUM_AVAILABLE, round(shop.cost_available, 1), RESTORE_RATE)
