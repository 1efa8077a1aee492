"""graphql-core's executor with a short path for what a bulk run is made of: fields of the node dicts.

A bulk run executes the merchant's query over hundreds of thousands of orders, about a hundred fields each. For
each field graphql-core's ``execute_field`` builds a ``GraphQLResolveInfo``, reads the field's arguments, calls the
default resolver, checks for an awaitable and completes the value through its type, and most of a run was spent
there. ``BulkExecutionContext`` takes a shorter path where the outcome is known to be the same: a field without a
resolver of its own (the default resolver reads the dict's key), whose value is not a closure (``sandbox.shopify.nodes``
keeps nested connections and related objects as closures), is completed directly:

- a scalar or enum is serialized by its type, as ``complete_leaf_value`` does;
- an object (a money bag, a customer) is executed field by field against its own sub-selection;
- a list of objects (``edges``, ``nodes``, ``refunds``) has each item executed in turn.

Anything else (a closure, a ``null`` or a value the type refuses, an interface or union, ``__typename``, a source
that is not a dict) goes through graphql-core's own ``execute_field``, so errors are raised, located and nulled as
graphql-core would. The query is still parsed, validated and executed field by field by graphql-core's collection of
fields (aliases, ``@skip`` / ``@include``, fragments): nothing reads the query's text.
"""

from typing import Any

from graphql import (
    ExecutionContext,
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    is_leaf_type,
    located_error,
)
from graphql.pyutils import Path

LEAF, OBJECT, OBJECT_LIST = "leaf", "object", "object list"
# (kind, the named type, whether null is refused) of a field the short path takes; None when it never does.
ShortPath = tuple[str, Any, bool] | None


def never_awaitable(value: Any) -> bool:
    """Every sandbox resolver is synchronous, so no value is awaited (graphql-core's check costs per field)."""
    return False


def _short_path(field: GraphQLField) -> ShortPath:
    if field.resolve is not None:
        return None
    field_type: GraphQLOutputType = field.type
    non_null = isinstance(field_type, GraphQLNonNull)
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    if is_leaf_type(field_type):
        return LEAF, field_type, non_null
    if isinstance(field_type, GraphQLObjectType) and not field_type.is_type_of:
        return OBJECT, field_type, non_null
    if isinstance(field_type, GraphQLList):
        item_type = field_type.of_type
        if isinstance(item_type, GraphQLNonNull):
            item_type = item_type.of_type
        if isinstance(item_type, GraphQLObjectType) and not item_type.is_type_of:
            return OBJECT_LIST, item_type, non_null
    return None


class BulkExecutionContext(ExecutionContext):
    """An execution context whose ``execute_fields`` completes plain fields of dict sources directly (see above)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._short_paths: dict[tuple[str, str], ShortPath] = {}

    def _short_path_of(self, parent_type: GraphQLObjectType, name: str) -> ShortPath:
        key = (parent_type.name, name)
        try:
            return self._short_paths[key]
        except KeyError:
            field = parent_type.fields.get(name)
            found = self._short_paths[key] = _short_path(field) if field is not None else None
            return found

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        fields: dict[str, list[FieldNode]],
    ) -> Any:
        if type(source_value) is not dict:
            return super().execute_fields(parent_type, source_value, path, fields)
        results: dict[str, Any] = {}
        for response_name, field_nodes in fields.items():
            completed = self._complete_plain(parent_type, source_value, path, response_name, field_nodes)
            if completed is Undefined:
                field_path = Path(path, response_name, parent_type.name)
                completed = self.execute_field(parent_type, source_value, field_nodes, field_path)
                if completed is Undefined:
                    continue
            results[response_name] = completed
        return results

    def _complete_plain(
        self,
        parent_type: GraphQLObjectType,
        source: dict[str, Any],
        path: Path | None,
        response_name: str,
        field_nodes: list[FieldNode],
    ) -> Any:
        """The completed value of a plain field, or Undefined when graphql-core's own path must take it."""
        short = self._short_path_of(parent_type, field_nodes[0].name.value)
        if short is None:
            return Undefined
        value = source.get(field_nodes[0].name.value)
        if callable(value):
            return Undefined
        kind, named, non_null = short
        if value is None:
            return Undefined if non_null else None
        if kind == LEAF:
            return self._serialize(named, value)
        if kind == OBJECT and type(value) is not dict:
            return Undefined
        # A list's items go one by one; a null item (or anything but a node dict) is graphql-core's to complete.
        if kind == OBJECT_LIST and (type(value) is not list or any(type(item) is not dict for item in value)):
            return Undefined
        field_path = Path(path, response_name, parent_type.name)
        subfields = self.collect_subfields(named, field_nodes)
        try:
            if kind == OBJECT:
                return self.execute_fields(named, value, field_path, subfields)
            return [
                self.execute_fields(named, item, Path(field_path, index, None), subfields)
                for index, item in enumerate(value)
            ]
        except Exception as raw_error:  # noqa: BLE001 - handled as graphql-core's execute_field handles it
            # A null refused deeper down nulls this field if it may be null, else goes on up: graphql-core's rule.
            self._field_error(located_error(raw_error, field_nodes, field_path.as_list()), non_null=non_null)
            return None

    def _field_error(self, error: GraphQLError, *, non_null: bool) -> None:
        """graphql-core's ``handle_field_error``: a field that may be null is nulled and the error noted."""
        if non_null:
            raise error
        self.errors.append(error)

    @staticmethod
    def _serialize(leaf_type: GraphQLLeafType, value: Any) -> Any:
        try:
            serialized = leaf_type.serialize(value)
        except Exception:  # noqa: BLE001 - graphql-core's path raises it again, located, as its own error
            return Undefined
        return Undefined if serialized is None else serialized
