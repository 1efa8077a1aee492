"""The demo store, Northwind Outfitters, and its owner the demo user: created when missing, emptied on reset.

The seed steps that fill it live beside this module: ``commerce`` (a year of customers and orders, drawn by
``orders``, written to the sandbox's Shopify shop ``DEMO_SHOP``, which the store then installs Growth Hub on and
syncs), ``social`` and ``ads``; ``demo.connections`` records its platform connections.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import ForeignObjectRel

from ads.models import AdCampaign
from demo.seed.bulk import column_name
from sandbox.shopify.seed import DEMO_SHOP
from stores.exceptions import ApplicationError
from stores.models import Customer, Membership, Order, OrderLine, Product, Role, Store

__all__ = ["DEMO_SHOP", "demo_store_ensure", "demo_store_seeded", "demo_store_reset"]

DEMO_STORE_NAME = "Northwind Outfitters"
DEMO_STORE_SLUG = "northwind"
DEMO_DOMAIN = "shop.northwind.example"
DEMO_TIMEZONE = "America/New_York"
DEMO_CURRENCY = "USD"


@transaction.atomic
def demo_store_ensure(*, email: str, password: str) -> Store:
    """The demo store with the demo user as owner, created when missing; the user's e-mail is verified.

    Refuses when the slug is taken by a store the demo user does not own: the seed never writes into a real shop.
    """
    user_model = get_user_model()
    # Whoever already holds the address (a sign-up may have picked another username) is the demo user.
    user = user_model.objects.filter(email__iexact=email).order_by("pk").first()
    created = user is None
    if user is None:
        user = user_model.objects.create(username=email, email=email)
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    store, _ = Store.objects.get_or_create(
        slug=DEMO_STORE_SLUG,
        defaults={
            "name": DEMO_STORE_NAME,
            "currency": DEMO_CURRENCY,
            "timezone": DEMO_TIMEZONE,
            "storefront_domain": DEMO_DOMAIN,
        },
    )
    if not Membership.objects.filter(store=store, user=user, role=Role.OWNER).exists():
        if store.memberships.exists():
            raise ApplicationError(
                f"The store {DEMO_STORE_SLUG!r} belongs to someone else; the demo will not write into it.",
                code="demo_slug_taken",
            )
        Membership.objects.create(store=store, user=user, role=Role.OWNER)
    return store


def demo_store_seeded(*, store: Store) -> bool:
    """Whether a seed went through to its last step: orders synced and the year of ad campaigns written. A store
    with less is what an interrupted seed left (a first start stopped during the sync, say)."""
    return Order.objects.filter(store=store).exists() and AdCampaign.objects.filter(store=store).exists()


@transaction.atomic
def demo_store_reset(*, store: Store) -> None:
    """Delete the store's catalogue, customers and orders, children first."""
    for model in (OrderLine, Order, Customer, Product):
        _delete_store_rows(model, store)


def _delete_store_rows(model: type[models.Model], store: Store) -> None:
    """One DELETE when no row elsewhere points at these; else Django's cascade, which loads every row first.

    A million orders go in seconds this way; through the collector, minutes.
    """
    rows = model._default_manager.filter(store=store)
    if not rows.exists():
        return
    # The relations Django's deletion collector follows, hidden ones (related_name="+") included.
    relations = [
        (f.related_model, f.field.name)
        for f in model._meta.get_fields(include_hidden=True)
        if isinstance(f, ForeignObjectRel) and f.auto_created and not f.concrete and (f.one_to_one or f.one_to_many)
    ]
    referenced = any(
        related._base_manager.filter(**{f"{name}__in": rows}).exists()
        for related, name in relations
        if isinstance(related, type)
    )
    if referenced:
        rows.delete()
        return
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(column_name(model, "store"))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [store.pk])  # noqa: S608 - names from _meta
