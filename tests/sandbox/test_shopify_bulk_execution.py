"""The bulk run's executor gives what graphql-core's own gives: data, errors and their paths, null propagation."""

import pytest
from graphql import build_schema, execute, parse

from sandbox.shopify.execution import BulkExecutionContext, never_awaitable

SCHEMA = build_schema(
    """
    enum Status { OPEN CLOSED }
    type Money { amount: String! currencyCode: String! }
    type Bag { shopMoney: Money! presentmentMoney: Money }
    type Line { id: ID! quantity: Int! price: Bag }
    type Order {
      id: ID!
      name: String
      status: Status
      count: Int!
      tags: [String!]!
      total: Bag
      strictTotal: Bag!
      lines: [Line!]
      maybeLines: [Line]
      computed(times: Int = 2): Int
    }
    type Query { orders: [Order!]! order: Order }
    """
)


def _order(pk: int, **overrides):
    order = {
        "id": f"gid://shopify/Order/{pk}",
        "name": f"#{pk}",
        "status": "OPEN",
        "count": pk,
        "tags": ["a", "b"],
        "total": {"shopMoney": {"amount": "1.5", "currencyCode": "USD"}, "presentmentMoney": None},
        "strictTotal": {"shopMoney": {"amount": "2.0", "currencyCode": "USD"}},
        "lines": [{"id": "gid://shopify/LineItem/1", "quantity": 2, "price": None}],
        "maybeLines": [None, {"id": "gid://shopify/LineItem/2", "quantity": 1}],
        "computed": lambda info, times: pk * times,
    }
    order.update(overrides)
    return order


QUERY = """{
  orders {
    id alias: name status count tags __typename
    total { shopMoney { amount currencyCode } presentmentMoney { amount } }
    strictTotal { shopMoney { amount } }
    lines { id quantity price { shopMoney { amount } } }
    maybeLines { id quantity }
    computed(times: 3)
    skipped: name @skip(if: true)
  }
}"""


@pytest.mark.parametrize(
    "orders",
    [
        pytest.param([_order(1), _order(2)], id="plain"),
        pytest.param([_order(1, name=None, total=None)], id="nulls allowed"),
        pytest.param([_order(1, count=None)], id="a null refused nulls the order, up to the list"),
        pytest.param(
            [_order(1, total={"shopMoney": {"amount": None, "currencyCode": "USD"}})],
            id="a null refused deep down nulls the nearest field that may be null",
        ),
        pytest.param([_order(1, strictTotal={"shopMoney": None})], id="through a non-null object"),
        pytest.param([_order(1, status="NOPE", count="x")], id="values the types refuse"),
        pytest.param([_order(1, lines=[{"id": "1", "quantity": None}])], id="a refused null in a list item"),
        pytest.param([_order(1, total="not an object")], id="a value that is not a node"),
    ],
)
def test_the_bulk_executor_completes_as_graphql_core_does(orders):
    document = parse(QUERY)
    root = {"orders": orders}

    # when the same query runs through graphql-core's executor and the bulk run's
    expected = execute(SCHEMA, document, root_value=root)
    actual = execute(
        SCHEMA, document, root_value=root, execution_context_class=BulkExecutionContext, is_awaitable=never_awaitable
    )

    # then the data and the errors (message, path) are the same
    assert actual.data == expected.data
    assert [(e.message, e.path) for e in actual.errors or []] == [(e.message, e.path) for e in expected.errors or []]
