"""Money and uniqueness rules hold in the database itself, whatever code writes the rows."""

import pytest
from django.db import IntegrityError, transaction

from stores.models import Customer, Membership, Order, OrderLine, Product, Role, StoreApiKey
from tests.factories import (
    CustomerFactory,
    MembershipFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    StoreFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("make", "model"),
    [
        pytest.param(lambda s: ProductFactory(store=s, price_minor=-1), Product, id="a negative product price"),
        pytest.param(lambda s: ProductFactory(store=s, unit_cost_minor=-1), Product, id="a negative unit cost"),
        pytest.param(lambda s: ProductFactory(store=s, inventory_quantity=-1), Product, id="negative inventory"),
        pytest.param(lambda s: OrderFactory(store=s, total_minor=-100), Order, id="a negative order total"),
        pytest.param(lambda s: OrderFactory(store=s, refunded_minor=-1), Order, id="a negative refund"),
        pytest.param(
            lambda s: OrderFactory(store=s, total_minor=4800, refunded_minor=4801), Order, id="a refund above the total"
        ),
        pytest.param(
            lambda s: OrderLineFactory(order=OrderFactory(store=s), quantity=0), OrderLine, id="a line of zero items"
        ),
        pytest.param(
            lambda s: OrderLineFactory(order=OrderFactory(store=s), unit_price_minor=-5),
            OrderLine,
            id="a line with a negative unit price",
        ),
    ],
)
def test_money_the_database_refuses(store, make, model):
    # given a store
    # when a row with impossible money is written straight to the database
    with pytest.raises(IntegrityError), transaction.atomic():
        make(store)
    # then no such row exists
    assert model.objects.filter(store=store).count() == 0


def test_a_refund_of_exactly_the_total_is_fine(store):
    order = OrderFactory(store=store, total_minor=4800, refunded_minor=4800)
    assert Order.objects.get(pk=order.pk).refunded_minor == 4800


@pytest.mark.parametrize(
    ("factory", "model"),
    [
        pytest.param(ProductFactory, Product, id="products"),
        pytest.param(CustomerFactory, Customer, id="customers"),
        pytest.param(OrderFactory, Order, id="orders"),
    ],
)
def test_an_external_id_is_unique_per_store_but_may_repeat_across_stores(store, other_store, factory, model):
    # given a row with external id X in Northwind
    factory(store=store, external_id="X-1")
    # when Northwind gets a second X, then the database refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(store=store, external_id="X-1")
    # and when Contoso has its own X, that is fine
    factory(store=other_store, external_id="X-1")
    assert sorted(model.objects.filter(external_id="X-1").values_list("store__slug", flat=True)) == [
        "contoso",
        "northwind",
    ]


def test_a_user_is_a_member_of_a_store_once(store):
    user = UserFactory()
    MembershipFactory(store=store, user=user, role=Role.MARKETER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(store=store, user=user, role=Role.ANALYST)
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [Role.MARKETER]


def test_a_store_currency_must_be_three_capital_letters(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        StoreFactory(currency="usd")


def test_an_api_key_hash_and_prefix_are_unique(store):
    StoreApiKey.objects.create(store=store, name="A", prefix="abcd1234", key_hash="f" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        StoreApiKey.objects.create(store=store, name="B", prefix="abcd1234", key_hash="e" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        StoreApiKey.objects.create(store=store, name="C", prefix="0000ffff", key_hash="f" * 64)
    assert StoreApiKey.objects.count() == 1
