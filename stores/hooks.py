"""Flows that climb: changes in ``stores`` that apps above it act on, registered explicitly in code.

A lower layer may not import an upper one, so ``stores`` offers hook points and the upper app registers its
handler in its ``AppConfig.ready()``:

- ``connection_status_changed``: a connection went bad or came back (growth holds or releases the posts and
  campaigns that use it). Called inside the transaction that changed the status; a handler that raises rolls the
  change back.
- ``store_created``: a store was created (ads creates its ad settings). Called inside the creating transaction.

These are not Django signals and not settings: the list of handlers is what the apps registered, and a test asserts
each hook is wired.
"""

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


connection_status_changed = ConnectionStatusChanged("connection_status_changed")
store_created = StoreCreated("store_created")

__all__ = [
    "ConnectionStatusChanged",
    "ConnectionStatusHandler",
    "Hook",
    "StoreCreated",
    "StoreCreatedHandler",
    "connection_status_changed",
    "store_created",
]
