"""Bringing a store platform's data in: incremental sync by updated_at, the bulk history backfill, the tasks.

The platform client here is an in-memory one speaking the ``StoreDataClient`` protocol, so each test can say exactly
what the platform answers and fail it halfway; the HTTP side is proven by the Shopify client and round-trip tests.
"""

import datetime as dt
from collections.abc import Iterator

import pytest

from platforms.errors import Transient
from platforms.store_records import (
    PRODUCT_ARCHIVED,
    BackfillStatus,
    CustomerRecord,
    OrderRecord,
    ProductRecord,
    ShopRecord,
)
from stores import tasks
from stores.commerce import bulk_ingest, sync
from stores.models import BackfillState, ConnectionStatus, Customer, Order, Product, StoreSync
from tests.factories import ProductFactory, StoreFactory
from tests.stores.commerce_helpers import PLACED, customer_record, order_record, product_record, store_connection

pytestmark = pytest.mark.django_db


class PlatformStore:
    """What one store platform holds, and what the hub asked of it."""

    def __init__(
        self,
        *,
        products: list[ProductRecord] | None = None,
        customers: list[CustomerRecord] | None = None,
        orders: list[OrderRecord] | None = None,
        history: list[OrderRecord] | None = None,
        polls_until_ready: int = 1,
        bulk_outcome: str = "COMPLETED",
    ) -> None:
        self.products_held = products or []
        self.customers_held = customers or []
        self.orders_held = orders or []
        self.history = history or []
        self.polls_until_ready = polls_until_ready
        self.bulk_outcome = bulk_outcome
        self.asked: list[tuple[str, object]] = []
        self.fail_orders_with: Exception | None = None
        self.operations_started = 0
        self.webhook_addresses: list[str] = []

    @staticmethod
    def _since(records: list, updated_since: dt.datetime | None) -> list:
        return [record for record in records if updated_since is None or record.updated_at > updated_since]

    def shop(self) -> ShopRecord:
        return ShopRecord(
            external_id="gid://shopify/Shop/1", name="Trail Socks", currency="USD", timezone="UTC", domain="x"
        )

    def products(self, *, updated_since: dt.datetime | None = None) -> Iterator[ProductRecord]:
        self.asked.append(("products", updated_since))
        yield from self._since(self.products_held, updated_since)

    def customers(self, *, updated_since: dt.datetime | None = None) -> Iterator[CustomerRecord]:
        self.asked.append(("customers", updated_since))
        yield from self._since(self.customers_held, updated_since)

    def orders(self, *, updated_since: dt.datetime | None = None) -> Iterator[OrderRecord]:
        self.asked.append(("orders", updated_since))
        for record in self._since(self.orders_held, updated_since):
            if self.fail_orders_with is not None:
                raise self.fail_orders_with
            yield record

    def order(self, external_id: str) -> OrderRecord | None:
        return next((record for record in self.orders_held if record.external_id == external_id), None)

    def backfill_start(self) -> BackfillStatus:
        self.operations_started += 1
        return BackfillStatus(operation_id=f"gid://shopify/BulkOperation/{self.operations_started}", status="RUNNING")

    def backfill_status(self, operation_id: str) -> BackfillStatus:
        self.asked.append(("backfill_status", operation_id))
        self.polls_until_ready -= 1
        if self.polls_until_ready > 0:
            return BackfillStatus(operation_id=operation_id, status="RUNNING")
        return BackfillStatus(
            operation_id=operation_id,
            status=self.bulk_outcome,
            error_code="ACCESS_DENIED" if self.bulk_outcome == "FAILED" else "",
            url="https://storage.example.com/result.jsonl",
        )

    def backfill_orders(self, status: BackfillStatus) -> Iterator[OrderRecord]:
        self.asked.append(("backfill_orders", status.operation_id))
        yield from self.history

    def webhooks_register(self, *, address: str, secret: str = "") -> list[str]:
        self.webhook_addresses.append(address)
        return ["orders/create", "app/uninstalled"]


def later(minutes: int) -> dt.datetime:
    return PLACED + dt.timedelta(minutes=minutes)


@pytest.fixture
def connection():
    return store_connection(StoreFactory())


def history_done(connection) -> None:
    """The order history is in (its backfill done): from now on the incremental sync reads orders too."""
    StoreSync.objects.update_or_create(
        connection=connection, defaults={"store": connection.store, "backfill_status": BackfillState.DONE}
    )


@pytest.fixture
def platform_stores(monkeypatch) -> dict[int, PlatformStore]:
    """The platform each connection's client reads (by connection id): the tasks build their clients through it."""
    held: dict[int, PlatformStore] = {}
    monkeypatch.setattr(sync, "store_client", lambda *, connection: held[connection.pk])
    return held


def test_the_first_sync_reads_the_catalogue_and_leaves_the_orders_to_the_history_backfill(connection):
    # given a platform holding a product and an order, and no history backfilled yet
    platform = PlatformStore(
        products=[product_record(updated_at=later(5))],
        orders=[order_record(external_id="gid://shopify/Order/1", updated_at=later(10))],
        history=[order_record(external_id="gid://shopify/Order/1", updated_at=later(10))],
        polls_until_ready=0,
    )
    # when the hub syncs before the backfill
    first = sync.store_sync_incremental(connection=connection, client=platform)
    # then it read the catalogue but paged through neither the customers nor the orders (the history brings them)
    assert (first.products, first.customers, first.orders) == (1, 0, 0)
    assert platform.asked == [("products", None)]
    # when the backfill brings the history in and the hub syncs again
    states = [sync.store_backfill_step(connection=connection, client=platform) for _ in range(2)]
    assert states == [BackfillState.RUNNING, BackfillState.DONE]
    platform.asked.clear()
    again = sync.store_sync_incremental(connection=connection, client=platform)
    # then the customers are read once, the orders from the history's newest change on, and the order is there once
    assert platform.asked == [("products", later(5)), ("customers", None), ("orders", later(10))]
    assert again.orders == 0
    assert Order.objects.count() == 1


def test_once_the_history_is_in_each_sync_reads_only_what_changed_since(connection):
    # given the history backfilled, and a platform holding a product, a customer and two orders
    history_done(connection)
    platform = PlatformStore(
        products=[product_record(updated_at=later(5))],
        customers=[customer_record(updated_at=later(3))],
        orders=[
            order_record(external_id="gid://shopify/Order/1", name="#1", updated_at=later(10)),
            order_record(external_id="gid://shopify/Order/2", name="#2", updated_at=later(20)),
        ],
    )

    # when the hub syncs twice
    first = sync.store_sync_incremental(connection=connection, client=platform)
    platform.asked.clear()
    second = sync.store_sync_incremental(connection=connection, client=platform)

    # then the first pass wrote everything and moved each watermark to the newest record it wrote
    assert (first.products, first.customers, first.orders, first.refused) == (1, 1, 2, [])
    stored = StoreSync.objects.get(connection=connection)
    assert (stored.products_synced_through, stored.customers_synced_through, stored.orders_synced_through) == (
        later(5),
        later(3),
        later(20),
    )
    # and the second asked only for what changed since, found nothing and wrote nothing twice
    assert platform.asked == [("products", later(5)), ("customers", later(3)), ("orders", later(20))]
    assert (second.products, second.customers, second.orders) == (0, 0, 0)
    assert (Product.objects.count(), Customer.objects.count(), Order.objects.count()) == (1, 1, 2)
    assert stored.last_synced_at is not None and stored.last_error == ""


def test_a_record_the_hub_refuses_is_recorded_and_the_others_are_written(connection):
    # given two orders of which one has an unknown financial status
    history_done(connection)
    platform = PlatformStore(
        orders=[
            order_record(external_id="gid://shopify/Order/1", financial_status="haunted", updated_at=later(1)),
            order_record(external_id="gid://shopify/Order/2", name="#2", updated_at=later(2)),
        ]
    )

    # when the hub syncs
    outcome = sync.store_sync_incremental(connection=connection, client=platform)

    # then the good order is written and the refusal is kept on the sync with the order's id and reason
    assert list(Order.objects.values_list("external_id", flat=True)) == ["gid://shopify/Order/2"]
    refusal = "gid://shopify/Order/1: Order gid://shopify/Order/1: unknown financial status 'haunted'."
    assert outcome.refused == [refusal]
    assert StoreSync.objects.get(connection=connection).last_error == outcome.refused[0]


def test_a_platform_failure_halfway_keeps_what_was_written_and_the_retry_goes_on_from_there(connection):
    # given a platform whose orders page fails after the catalogue was read
    history_done(connection)
    platform = PlatformStore(
        products=[product_record(updated_at=later(5))],
        orders=[order_record(updated_at=later(9))],
    )
    platform.fail_orders_with = Transient("Shopify answered 503.")

    # when the hub syncs, fails, and syncs again once the platform is back
    with pytest.raises(Transient):
        sync.store_sync_incremental(connection=connection, client=platform)
    after_failure = StoreSync.objects.get(connection=connection)
    platform.fail_orders_with = None
    platform.asked.clear()
    sync.store_sync_incremental(connection=connection, client=platform)

    # then the products' watermark had moved and the orders' had not, so the retry read only the orders again
    assert (after_failure.products_synced_through, after_failure.orders_synced_through) == (later(5), None)
    assert platform.asked == [("products", later(5)), ("customers", None), ("orders", None)]
    assert (Product.objects.count(), Order.objects.count()) == (1, 1)


def test_the_backfill_starts_once_is_polled_then_writes_the_history_and_is_done(connection):
    # given a platform whose bulk operation needs two looks before it is ready
    history = [
        order_record(external_id="gid://shopify/Order/7", name="#7", updated_at=later(30)),
        order_record(external_id="gid://shopify/Order/8", name="#8", updated_at=later(40)),
    ]
    platform = PlatformStore(history=history, polls_until_ready=2)

    # when the backfill is stepped until it is done, and once more
    states = [sync.store_backfill_step(connection=connection, client=platform) for _ in range(3)]
    sync.store_backfill_step(connection=connection, client=platform)

    # then one operation was started and looked up by its id, the history written once, the watermark moved
    assert states == [BackfillState.RUNNING, BackfillState.RUNNING, BackfillState.DONE]
    assert platform.operations_started == 1
    assert [entry for entry in platform.asked if entry[0] == "backfill_orders"] == [
        ("backfill_orders", "gid://shopify/BulkOperation/1")
    ]
    stored = StoreSync.objects.get(connection=connection)
    assert (stored.backfill_status, stored.backfill_operation_id, stored.orders_synced_through) == (
        BackfillState.DONE,
        "gid://shopify/BulkOperation/1",
        later(40),
    )
    assert stored.backfill_started_at is not None and stored.backfill_finished_at is not None
    assert Order.objects.count() == 2


def test_a_failed_bulk_operation_is_recorded_and_the_next_step_starts_a_new_one(connection):
    # given a platform whose first bulk operation fails
    platform = PlatformStore(polls_until_ready=0, bulk_outcome="FAILED")
    sync.store_backfill_step(connection=connection, client=platform)

    # when the platform is healthy again and the backfill is stepped twice
    assert sync.store_backfill_step(connection=connection, client=platform) == BackfillState.FAILED
    failed = StoreSync.objects.get(connection=connection)
    platform.bulk_outcome, platform.polls_until_ready = "COMPLETED", 2
    assert sync.store_backfill_step(connection=connection, client=platform) == BackfillState.RUNNING

    # then the failure was kept with the platform's code, and a second operation replaced the first
    assert (failed.backfill_status, failed.backfill_error) == (BackfillState.FAILED, "FAILED ACCESS_DENIED")
    assert platform.operations_started == 2
    assert StoreSync.objects.get(connection=connection).backfill_operation_id == "gid://shopify/BulkOperation/2"


def test_the_start_task_subscribes_webhooks_syncs_and_backfills(connection, platform_stores, settings, eager_celery):
    # given a just-connected store whose platform holds a product and a history of one order
    settings.SITE_URL = "https://hub.example.org/"
    platform_stores[connection.pk] = PlatformStore(
        products=[product_record()], history=[order_record()], polls_until_ready=2
    )

    # when the start task runs (eagerly: the backfill's polls run at once)
    assert tasks.store_connection_start_task.delay(connection.pk).get() == "started"

    # then the webhooks point at the hub's Shopify endpoint and catalogue and history are in the store
    assert platform_stores[connection.pk].webhook_addresses == ["https://hub.example.org/webhooks/shopify/"]
    assert (Product.objects.count(), Order.objects.count()) == (1, 1)
    assert StoreSync.objects.get(connection=connection).backfill_status == BackfillState.DONE


def test_the_start_task_does_nothing_for_a_connection_no_longer_active(connection, platform_stores):
    # given a store connection that was revoked before its task ran
    connection.status = ConnectionStatus.REVOKED
    connection.save(update_fields=["status"])

    # when the tasks run, then they touch nothing (no client is even built)
    assert tasks.store_connection_start_task(connection.pk) == "inactive"
    assert tasks.store_backfill_task(connection.pk) == "inactive"
    assert not StoreSync.objects.exists()


def test_the_reconciliation_survives_one_failing_store_and_syncs_the_others(platform_stores):
    # given two active store connections, the first of whose platforms is down, and a revoked one
    failing, healthy = store_connection(StoreFactory()), store_connection(StoreFactory(), account="b.myshopify.com")
    revoked = store_connection(StoreFactory(), account="c.myshopify.com")
    revoked.status = ConnectionStatus.REVOKED
    revoked.save(update_fields=["status"])
    history_done(failing)
    platform_stores[failing.pk] = PlatformStore(orders=[order_record()])
    platform_stores[failing.pk].fail_orders_with = Transient("Shopify answered 503.")
    platform_stores[healthy.pk] = PlatformStore(
        products=[product_record()], orders=[order_record(external_id="gid://shopify/Order/9")], history=[]
    )

    # when the periodic reconciliation runs
    synced = tasks.store_syncs_due_task()

    # then the healthy store got its catalogue and its backfill was started, and the failure is kept on the other's
    assert synced == 1
    assert list(Product.objects.values_list("store_id", flat=True)) == [healthy.store_id]
    assert StoreSync.objects.get(connection=healthy).backfill_status == BackfillState.RUNNING
    assert platform_stores[healthy.pk].operations_started == 1
    assert StoreSync.objects.get(connection=failing).last_error == "Shopify answered 503."
    assert not StoreSync.objects.filter(connection=revoked).exists()


def brought_in(connection) -> tuple[int, int]:
    """The products and orders the connection's sync row says it brought in."""
    stored = StoreSync.objects.get(connection=connection)
    return stored.products_count, stored.orders_count


def test_each_sync_counts_what_the_connection_brought_in_onto_its_sync(connection):
    # given the history backfilled, a platform holding two products and an order, and a CSV product of the store
    history_done(connection)
    ProductFactory(store=connection.store, title="Market stall tote")
    platform = PlatformStore(
        products=[
            product_record(external_id="gid://shopify/Product/1", handle="sock", variants=(), updated_at=later(1)),
            product_record(external_id="gid://shopify/Product/2", handle="beanie", variants=(), updated_at=later(2)),
        ],
        orders=[order_record(external_id="gid://shopify/Order/1", updated_at=later(3))],
    )

    # when the hub syncs
    sync.store_sync_incremental(connection=connection, client=platform)

    # then its sync row holds what came from the platform (the CSV product is not the connection's)
    assert brought_in(connection) == (2, 1)

    # when the platform gains an order and a product (an earlier one archived) and the hub syncs again
    platform.orders_held.append(order_record(external_id="gid://shopify/Order/2", name="#2", updated_at=later(4)))
    platform.products_held.append(
        product_record(external_id="gid://shopify/Product/3", handle="gaiter", variants=(), updated_at=later(5))
    )
    platform.products_held[0] = product_record(
        external_id="gid://shopify/Product/1", handle="sock", variants=(), status=PRODUCT_ARCHIVED, updated_at=later(6)
    )
    sync.store_sync_incremental(connection=connection, client=platform)

    # then the counts follow (an archived product is still one the connection brought)
    assert brought_in(connection) == (3, 2)


def counting_backfill(connection, monkeypatch, *, orders: int) -> tuple[PlatformStore, list[int]]:
    """A platform holding a history of ``orders`` orders written two a batch, and the orders its connection's sync
    row counted each time the platform handed one on."""
    batches = bulk_ingest.batches
    monkeypatch.setattr(bulk_ingest, "batches", lambda items: batches(items, size=2))
    history = [
        order_record(external_id=f"gid://shopify/Order/{n}", name=f"#{n}", updated_at=later(n)) for n in range(orders)
    ]
    seen_while_reading: list[int] = []

    class CountingPlatform(PlatformStore):
        def backfill_orders(self, status: BackfillStatus) -> Iterator[OrderRecord]:
            for record in self.history:
                seen_while_reading.append(StoreSync.objects.get(connection=connection).orders_count)
                yield record

    return CountingPlatform(history=history, polls_until_ready=0), seen_while_reading


@pytest.mark.parametrize(
    ("recount_seconds", "counted_while_writing"),
    [
        pytest.param(0.0, [0, 0, 2, 2, 4], id="a long backfill is counted after each batch as it goes"),
        pytest.param(3600.0, [0, 0, 0, 0, 0], id="a quick one is counted once, at its end"),
    ],
)
def test_a_backfill_counts_its_orders_as_it_goes_and_at_its_end(
    connection, monkeypatch, recount_seconds, counted_while_writing
):
    # given a history of five orders written two a batch, and the interval between recounts
    platform, seen_while_reading = counting_backfill(connection, monkeypatch, orders=5)
    monkeypatch.setattr(sync, "BACKFILL_RECOUNT_SECONDS", recount_seconds)

    # when the backfill starts, then writes the history
    states = [sync.store_backfill_step(connection=connection, client=platform) for _ in range(2)]

    # then the sync row counted the batches written so far as the interval allowed, and ends with the whole history
    assert states == [BackfillState.RUNNING, BackfillState.DONE]
    assert seen_while_reading == counted_while_writing
    assert brought_in(connection) == (0, 5)


def test_a_sync_that_fails_halfway_counts_what_it_wrote(connection):
    # given the history backfilled and a platform whose orders fail after its catalogue was read
    history_done(connection)
    platform = PlatformStore(products=[product_record(updated_at=later(5))], orders=[order_record(updated_at=later(9))])
    platform.fail_orders_with = Transient("Shopify answered 503.")

    # when the sync fails and the failure is recorded
    with pytest.raises(Transient) as failure:
        sync.store_sync_incremental(connection=connection, client=platform)
    sync.store_sync_record_failure(connection_id=connection.pk, error=failure.value)

    # then the product written before the failure is counted
    assert brought_in(connection) == (1, 0)


def test_the_counts_of_one_store_leave_another_store_alone(connection):
    # given another store's connection whose sync counted a product
    other = store_connection(StoreFactory(), account="other-shop.myshopify.com")
    history_done(connection)
    history_done(other)
    sync.store_sync_incremental(connection=other, client=PlatformStore(products=[product_record()]))

    # when this store syncs a platform holding two orders
    orders = [order_record(external_id=f"gid://shopify/Order/{n}", name=f"#{n}", updated_at=later(n)) for n in (1, 2)]
    sync.store_sync_incremental(connection=connection, client=PlatformStore(orders=orders))

    # then each sync row counts its own connection's rows only
    assert (brought_in(connection), brought_in(other)) == ((0, 2), (1, 0))
