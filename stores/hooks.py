"""Flows that climb: changes in ``stores`` that apps above it act on, registered explicitly in code.

A lower layer may not import an upper one, so ``stores`` offers hook points and the upper app registers its
handler in its ``AppConfig.ready()``:

- ``connection_status_changed``: a connection went bad or came back (growth holds or releases the posts and
  campaigns that use it). Called inside the transaction that changed the status; a handler that raises rolls the
  change back.
- ``store_created``: a store was created (ads creates its ad settings). Called inside the creating transaction.
- ``order_written``: orders were written by a webhook, a sync or a backfill (analytics marks their journeys to be
  built again). Called after the writing transaction commits (``transaction.on_commit``); a handler must stay
  cheap (mark, enqueue), never build inline: a backfill writes millions of orders.
- ``customer_erased``: a customer's erasure (compliance webhook, the merchant's erase request): analytics deletes
  their touchpoints, visitors and journey touches. Called inside the erasing transaction, before the orders'
  visitor ids are blanked.
- ``shop_erased``: a store platform asked to erase a shop's data: analytics deletes the store's tracking data.
  Called inside the erasing transaction.

These are not Django signals and not settings: the list of handlers is what the apps registered, and a test asserts
each hook is wired.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from stores.actors import Actor
    from stores.models import PlatformConnection, Store


class ConnectionStatusHandler(Protocol):
    def __call__(
        self, *, connection: "PlatformConnection", old_status: str, new_status: str, actor: "Actor", reason: str
    ) -> object: ...


class StoreCreatedHandler(Protocol):
    def __call__(self, *, store: "Store") -> object: ...


class OrderWrittenHandler(Protocol):
    def __call__(self, *, store_id: int, order_ids: "Sequence[int]") -> object: ...


class CustomerErasedHandler(Protocol):
    def __call__(self, *, store: "Store", customer_id: int | None, visitor_ids: "Sequence[str]") -> object: ...


class ShopErasedHandler(Protocol):
    def __call__(self, *, store: "Store") -> object: ...


H = TypeVar("H")


class Hook(Generic[H]):
    """A named list of handlers, run in the order they were registered."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[H] = []

    def register(self, handler: H) -> H:
        """Add ``handler`` (once; registering it again changes nothing). Returns it, so it can decorate."""
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    def unregister(self, handler: H) -> None:
        """Remove ``handler`` if it is registered."""
        if handler in self._handlers:
            self._handlers.remove(handler)

    @property
    def handlers(self) -> tuple[H, ...]:
        return tuple(self._handlers)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._handlers)} handler(s)>"


class ConnectionStatusChanged(Hook[ConnectionStatusHandler]):
    def __call__(
        self, *, connection: "PlatformConnection", old_status: str, new_status: str, actor: "Actor", reason: str
    ) -> None:
        """Run every handler; an exception from one propagates (and rolls back the caller's transaction)."""
        for handler in self.handlers:
            handler(connection=connection, old_status=old_status, new_status=new_status, actor=actor, reason=reason)


class StoreCreated(Hook[StoreCreatedHandler]):
    def __call__(self, *, store: "Store") -> None:
        """Run every handler; an exception from one propagates (and rolls back the store's creation)."""
        for handler in self.handlers:
            handler(store=store)


class OrderWritten(Hook[OrderWrittenHandler]):
    def __call__(self, *, store_id: int, order_ids: Sequence[int]) -> None:
        """Run every handler (after the commit: an exception propagates to the caller, the orders stay written)."""
        for handler in self.handlers:
            handler(store_id=store_id, order_ids=order_ids)

    def on_commit(self, *, store_id: int, order_id: int) -> None:
        """Run the handlers for ``order_id`` once the current transaction commits (at once outside one)."""
        from django.db import transaction

        transaction.on_commit(lambda: self(store_id=store_id, order_ids=[order_id]))


class CustomerErased(Hook[CustomerErasedHandler]):
    def __call__(self, *, store: "Store", customer_id: int | None, visitor_ids: Sequence[str]) -> None:
        """Run every handler; an exception from one propagates (and rolls back the erasure)."""
        for handler in self.handlers:
            handler(store=store, customer_id=customer_id, visitor_ids=visitor_ids)


class ShopErased(Hook[ShopErasedHandler]):
    def __call__(self, *, store: "Store") -> None:
        """Run every handler; an exception from one propagates (and rolls back the erasure)."""
        for handler in self.handlers:
            handler(store=store)


connection_status_changed = ConnectionStatusChanged("connection_status_changed")
store_created = StoreCreated("store_created")
order_written = OrderWritten("order_written")
customer_erased = CustomerErased("customer_erased")
shop_erased = ShopErased("shop_erased")

__all__ = [
    "ConnectionStatusChanged",
    "ConnectionStatusHandler",
    "CustomerErased",
    "CustomerErasedHandler",
    "Hook",
    "OrderWritten",
    "OrderWrittenHandler",
    "ShopErased",
    "ShopErasedHandler",
    "StoreCreated",
    "StoreCreatedHandler",
    "connection_status_changed",
    "customer_erased",
    "order_written",
    "shop_erased",
    "store_created",
]
