"""Bring a store platform's data in: the history backfill (Shopify's bulk operation) and the incremental sync by
``updated_at`` that also reconciles whatever a webhook missed.

Every record is written by its own ``stores.commerce.ingest`` call (one transaction each, idempotent, never older
over newer), so a crash or a retry at any point loses nothing and writes nothing twice: a re-run reads the same
records again and the ingest leaves what is already current alone. One record the hub refuses is recorded on the
sync (``last_error``) and the rest go on.
"""

import datetime as dt
import logging
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from platforms.constants import STORE_PLATFORMS
from platforms.errors import AuthExpired, PlatformError
from platforms.registry import store_platform
from stores.actors import Actor
from stores.commerce import bulk_ingest, ingest
from stores.exceptions import ApplicationError
from stores.models import BackfillState, ConnectionStatus, Order, PlatformConnection, Product, StoreSync

logger = logging.getLogger(__name__)


class _Changed(Protocol):
    """A platform record: when the platform last changed the object."""

    @property
    def updated_at(self) -> dt.datetime | None: ...


R = TypeVar("R", bound=_Changed)


@dataclass
class SyncOutcome:
    """What one sync pass wrote, and the records it had to refuse (their ids and why)."""

    products: int = 0
    customers: int = 0
    orders: int = 0
    refused: list[str] = field(default_factory=list)


def store_client(*, connection: PlatformConnection) -> Any:
    """The store-platform client acting for ``connection`` (its token decrypted here, never logged)."""
    return store_platform(connection.platform).client(
        access_token=connection.access_token, account_id=connection.external_account_id
    )


def store_sync_get(*, connection: PlatformConnection) -> StoreSync:
    sync, _ = StoreSync.objects.get_or_create(connection=connection, defaults={"store_id": connection.store_id})
    return sync


# What a sync row counts: the products and orders whose source is its connection.
COUNT_FIELDS = {Product: "products_count", Order: "orders_count"}
# While a history is written, its orders are recounted after a batch at most this often (and once at its end): a
# count reads every order the connection holds (0.15 to 0.6 s at a million on PostgreSQL), so a recount after every
# batch of a large history would cost more the further it goes, up to a fifth of the backfill's time.
BACKFILL_RECOUNT_SECONDS = 10.0


@transaction.atomic
def store_sync_counts_refresh(
    *, store_id: int, counted: Collection[type[Product] | type[Order]] = (Product, Order)
) -> None:
    """Recount what each store-platform connection of the store brought in (its products and orders, whatever their
    status) onto its sync row, after rows were added: one UPDATE counting by the indexed source key, true whatever
    wrote the rows. Its sync rows are locked first, so the UPDATE's snapshot (taken after the lock) sees every writer
    that counted before; one still writing counts after this (a recount, or ``store_sync_count_moved``'s one more),
    so what the sync row holds at the end is true."""
    locked = list(StoreSync.objects.select_for_update().filter(store_id=store_id).values_list("pk", flat=True))
    if not locked:
        return
    counts = {
        COUNT_FIELDS[model]: Coalesce(
            Subquery(
                model.objects.filter(source=OuterRef("connection_id"))
                .order_by()
                .values("source")
                .annotate(n=Count("*"))
                .values("n")
            ),
            0,
        )
        for model in counted
    }
    StoreSync.objects.filter(pk__in=locked).update(**counts)


def store_sync_count_moved(
    *, model: type[Product] | type[Order], from_connection_id: int | None, to_connection_id: int | None
) -> None:
    """One row of ``model`` changed hands, inside the transaction that wrote it: one more for the connection that now
    holds it, one fewer for the one that held it (None: the merchant's own row, or no row before). Each sync row's
    UPDATE re-reads its count under the row's lock, so it adds to whatever a recount or another write left."""
    if from_connection_id == to_connection_id:
        return
    field_name = COUNT_FIELDS[model]
    if to_connection_id is not None:
        StoreSync.objects.filter(connection_id=to_connection_id).update(**{field_name: F(field_name) + 1})
    if from_connection_id is not None:
        StoreSync.objects.filter(connection_id=from_connection_id, **{f"{field_name}__gt": 0}).update(
            **{field_name: F(field_name) - 1}
        )


def _apply_since(
    sync: StoreSync,
    watermark: str,
    read: Callable[..., Iterable[R]],
    write: Callable[[R], object],
    *,
    outcome: SyncOutcome,
) -> int:
    """Write every record ``read`` gives since the sync's ``watermark`` field, isolating refusals, then move the
    watermark to the newest ``updated_at`` written; return how many were written."""
    written, newest = 0, None
    for item in read(updated_since=getattr(sync, watermark)):
        try:
            write(item)
        except ApplicationError as exc:
            outcome.refused.append(f"{getattr(item, 'external_id', '?')}: {exc.message}"[:300])
            continue
        written += 1
        moment = item.updated_at
        if moment is not None and (newest is None or moment > newest):
            newest = moment
    _watermark(sync, watermark, newest)
    return written


def store_sync_incremental(*, connection: PlatformConnection, client: Any = None) -> SyncOutcome:
    """Read what changed at the platform since the watermarks (the whole catalogue the first time; customers and
    orders once the history backfill is in, see ``history_pending``) and write it.

    Raises ``platforms.errors`` for the platform's failures (the task retries Transient / RateLimited); the
    watermarks move only past what was written, so a failure halfway re-reads from where it stood.
    """
    client = client or store_client(connection=connection)
    sync = store_sync_get(connection=connection)
    store = connection.store
    outcome = SyncOutcome()
    outcome.products = _apply_since(
        sync,
        "products_synced_through",
        client.products,
        lambda record: ingest.product_upsert(store=store, connection=connection, record=record),
        outcome=outcome,
    )
    if not history_pending(sync):
        outcome.customers = _apply_since(
            sync,
            "customers_synced_through",
            client.customers,
            lambda record: ingest.customer_upsert(store=store, connection=connection, record=record),
            outcome=outcome,
        )
        outcome.orders = _apply_since(
            sync,
            "orders_synced_through",
            client.orders,
            lambda record: ingest.order_upsert(store=store, connection=connection, record=record),
            outcome=outcome,
        )
    sync.last_synced_at = timezone.now()
    sync.last_error = "; ".join(outcome.refused)[:2000]
    sync.save(update_fields=["last_synced_at", "last_error"])
    store_sync_counts_refresh(store_id=connection.store_id)
    logger.info(
        "store sync",
        extra={"connection": connection.pk, "products": outcome.products, "orders": outcome.orders},
    )
    return outcome


def history_pending(sync: StoreSync) -> bool:
    """Whether the order history is still to come through the backfill: until it is in, the incremental sync
    leaves orders and customers to it instead of paging through the whole history a second time (a store with a
    million orders would be read twice; the history brings every buyer with their orders, and the customers who
    never ordered are read by the first incremental sync after it), so the backfill starts right after the
    catalogue. The backfill's newest ``updated_at`` becomes the orders' watermark, so what changes
    after its snapshot is read by the next incremental sync (and arrives by webhook meanwhile)."""
    return sync.backfill_status != BackfillState.DONE and sync.orders_synced_through is None


def _watermark(sync: StoreSync, field_name: str, newest: dt.datetime | None) -> None:
    current = getattr(sync, field_name)
    if newest is not None and (current is None or newest > current):
        setattr(sync, field_name, newest)
        sync.save(update_fields=[field_name])


def store_backfill_step(*, connection: PlatformConnection, client: Any = None) -> str:
    """Move the history backfill one step: start it, look at it, or write it once the platform has it ready (in
    batches of ``bulk_ingest.BATCH_SIZE`` orders, each one transaction).

    Returns the backfill's state after the step (``BackfillState``); RUNNING means "look again shortly". Safe to
    repeat after a crash: a started operation is looked up by its id, and a half-written history is written again
    (records already current are left alone).
    """
    client = client or store_client(connection=connection)
    sync = store_sync_get(connection=connection)
    if sync.backfill_status == BackfillState.DONE:
        return sync.backfill_status
    if not sync.backfill_operation_id or sync.backfill_status == BackfillState.FAILED:
        status = client.backfill_start()
        _backfill_save(sync, operation_id=status.operation_id, state=BackfillState.RUNNING, started=True)
    else:
        status = client.backfill_status(sync.backfill_operation_id)
    if not status.finished:
        return BackfillState.RUNNING
    if status.status != "COMPLETED":
        _backfill_save(sync, state=BackfillState.FAILED, error=f"{status.status} {status.error_code}".strip())
        return BackfillState.FAILED
    _backfill_save(sync, state=BackfillState.INGESTING)
    outcome = SyncOutcome()
    newest = None
    counted_at = time.monotonic()
    for batch in bulk_ingest.batches(client.backfill_orders(status)):
        written = bulk_ingest.orders_ingest_batch(store=connection.store, connection=connection, batch=batch)
        outcome.orders += written.written
        outcome.refused.extend(written.refused)
        if time.monotonic() - counted_at >= BACKFILL_RECOUNT_SECONDS:
            store_sync_counts_refresh(store_id=connection.store_id, counted=(Order,))
            counted_at = time.monotonic()
        if written.newest is not None and (newest is None or written.newest > newest):
            newest = written.newest
    store_sync_counts_refresh(store_id=connection.store_id, counted=(Order,))
    sync.refresh_from_db()
    _watermark(sync, "orders_synced_through", newest)
    _backfill_save(sync, state=BackfillState.DONE, error="; ".join(outcome.refused)[:2000], finished=True)
    return BackfillState.DONE


def _backfill_save(
    sync: StoreSync,
    *,
    state: str,
    operation_id: str | None = None,
    error: str = "",
    started: bool = False,
    finished: bool = False,
) -> None:
    sync.backfill_status = state
    sync.backfill_error = error
    fields = ["backfill_status", "backfill_error"]
    if operation_id is not None:
        sync.backfill_operation_id = operation_id
        fields.append("backfill_operation_id")
    if started:
        sync.backfill_started_at = timezone.now()
        fields.append("backfill_started_at")
    if finished:
        sync.backfill_finished_at = timezone.now()
        fields.append("backfill_finished_at")
    sync.save(update_fields=fields)


def store_webhooks_register(*, connection: PlatformConnection, address: str, client: Any = None) -> list[str]:
    """Subscribe the platform's webhooks for ``connection`` to ``address`` (already subscribed topics are kept)."""
    client = client or store_client(connection=connection)
    return list(client.webhooks_register(address=address, secret=connection.webhook_secret))


def store_webhook_address(platform: str) -> str:
    """Where ``platform`` delivers its webhooks: this site's public address (SITE_URL), not a request's host."""
    return settings.SITE_URL.rstrip("/") + reverse(f"store-webhook-{platform}")


def store_webhooks_remove(*, connection: PlatformConnection, client: Any = None) -> str:
    """Delete the webhooks the hub made for ``connection`` where its platform keeps them after a disconnect
    (WooCommerce); best effort, before its keys are wiped. Returns "" or what went wrong (never raises a platform
    error: the disconnect goes on either way)."""
    if connection.platform not in STORE_PLATFORMS:
        return ""
    descriptor = store_platform(connection.platform)
    if not descriptor.deletes_webhooks_on_disconnect or not connection.access_token_encrypted:
        return ""
    if not connection.webhook_secret_encrypted:
        return ""
    try:
        client = client or store_client(connection=connection)
        client.webhooks_delete(address=store_webhook_address(connection.platform), secret=connection.webhook_secret)
    except PlatformError as exc:
        return f"Its webhooks at {descriptor.name} could not be deleted ({exc.message}); delete them there."
    return ""


def store_connections_to_sync() -> list[int]:
    """Active store-platform connections: the periodic reconciliation reads each one."""
    return list(
        PlatformConnection.objects.filter(status=ConnectionStatus.ACTIVE, platform__in=STORE_PLATFORMS)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def store_sync_record_failure(*, connection_id: int, error: Exception) -> None:
    """A sync of this connection failed (the loop goes on with the others): kept on its sync row. A refusal of the
    access itself (``AuthExpired``: a revoked WooCommerce key, an uninstalled app's token) also marks the connection
    expired, which tells the owners to reconnect."""
    connection = PlatformConnection.objects.filter(pk=connection_id).first()
    if connection is None:
        return
    sync = store_sync_get(connection=connection)
    sync.last_error = (getattr(error, "message", "") or type(error).__name__)[:2000]
    sync.save(update_fields=["last_error"])
    # What the failed pass wrote before it stopped is kept, and counted.
    store_sync_counts_refresh(store_id=connection.store_id)
    if isinstance(error, AuthExpired):
        # stores.connections.services imports this module (the disconnect deletes store webhooks): looked up here.
        from stores.connections.services import connection_mark_expired

        name = store_platform(connection.platform).name
        connection_mark_expired(
            connection=connection,
            reason=f"{name} refused Growth Hub's access: {error.message}"[:1000],
            actor=Actor.system(f"{name} sync"),
        )


__all__ = [
    "SyncOutcome",
    "store_backfill_step",
    "store_client",
    "store_connections_to_sync",
    "store_sync_count_moved",
    "store_sync_counts_refresh",
    "store_sync_get",
    "store_sync_incremental",
    "store_sync_record_failure",
    "store_webhook_address",
    "store_webhooks_register",
    "store_webhooks_remove",
]
