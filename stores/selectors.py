"""Read queries for tenancy. Anything a user reaches goes through a store the user is a member of."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import BigIntegerField, Case, F, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from stores.exceptions import ApplicationError
from stores.models import Membership, OrderLine, OrderStatus, Product, ProductStatus, Role, Store, StoreApiKey

ROLE_ORDER = (Role.OWNER, Role.ADMIN, Role.MARKETER, Role.ANALYST)


def memberships_for_user(*, user: AbstractBaseUser) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("store").order_by("store__name")


def membership_get_for_user(*, user: AbstractBaseUser, store_id: int | None = None) -> Membership | None:
    """The user's membership of ``store_id``, or of their first store when no id is given; None if none."""
    if not user.is_authenticated:
        return None
    memberships = memberships_for_user(user=user)
    if store_id is not None:
        return memberships.filter(store_id=store_id).first()
    return memberships.first()


def store_get_for_user(*, user: AbstractBaseUser, slug: str) -> Membership:
    """The membership that lets ``user`` see the store ``slug``; 404 when there is none, as if it did not exist."""
    membership = memberships_for_user(user=user).filter(store__slug=slug).first()
    if membership is None:
        raise Http404("No such store.")
    return membership


def store_get(*, store_id: int) -> Store:
    return Store.objects.get(pk=store_id)


def store_get_by_slug(*, slug: str) -> Store:
    """The store at that address, for operators' commands; ApplicationError naming the address otherwise."""
    store = Store.objects.filter(slug=slug[:100]).first()
    if store is None:
        raise ApplicationError(f"No store has the address {slug!r}.", code="unknown_store")
    return store


def memberships_for_store(*, store: Store) -> QuerySet[Membership]:
    """The store's members, owners first and then by email, each with their user (one query)."""
    rank = Case(*(When(role=role, then=Value(i)) for i, role in enumerate(ROLE_ORDER)), default=Value(len(ROLE_ORDER)))
    return Membership.objects.filter(store=store).select_related("user").order_by(rank, "user__email")


def membership_get_for_store(*, store: Store, id: int) -> Membership:
    """One membership of ``store``; 404 for an id that belongs to another store or does not exist."""
    membership = Membership.objects.select_related("user", "store").filter(store=store, pk=id).first()
    if membership is None:
        raise Http404("No such member.")
    return membership


def api_keys_for_store(*, store: Store) -> QuerySet[StoreApiKey]:
    """The store's API keys, newest first, with who created each (one query)."""
    return StoreApiKey.objects.filter(store=store).select_related("created_by").order_by("-created_at", "-id")


def api_key_get_for_store(*, store: Store, id: int) -> StoreApiKey:
    """One API key of ``store``; 404 for a key of another store or none at all."""
    key = StoreApiKey.objects.filter(store=store, pk=id).first()
    if key is None:
        raise Http404("No such API key.")
    return key


def product_get_for_store(*, store: Store, id: int) -> Product:  # noqa: A002 - the styleguide's name
    """One product of ``store``; 404 for a product of another store or none at all."""
    product = Product.objects.filter(store=store, pk=id).first()
    if product is None:
        raise Http404("No such product.")
    return product


BEST_SELLER_WINDOW_DAYS = 30
# Orders that never were revenue do not make a product a best seller.
NOT_SOLD_STATUSES = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)


@dataclass(frozen=True)
class ProductSales:
    """A product and what it sold in a window: units and the revenue of those lines (minor units, its currency)."""

    product: Product
    units_sold: int
    revenue_minor: int


def products_best_sellers_in_stock(
    *, store: Store, limit: int, days: int = BEST_SELLER_WINDOW_DAYS, now: dt.datetime | None = None
) -> list[ProductSales]:
    """The store's active, in-stock products ranked as best sellers: units sold in the last ``days`` (order lines
    of orders placed since then, cancelled and refunded orders left out), ties by revenue of those lines, then the
    newest product first; 0 units and revenue for a product that sold nothing.

    One query, whatever the catalogue's size; at most ``limit`` products.
    """
    since = (now or timezone.now()) - dt.timedelta(days=days)
    lines = OrderLine.objects.filter(store=store, product=OuterRef("pk"), order__created_at__gte=since).exclude(
        order__status__in=NOT_SOLD_STATUSES
    )
    units = lines.values("product").annotate(total=Sum("quantity")).values("total")
    revenue = (
        lines.values("product")
        .annotate(total=Sum(F("quantity") * F("unit_price_minor"), output_field=BigIntegerField()))
        .values("total")
    )
    ranked = (
        Product.objects.filter(store=store, status=ProductStatus.ACTIVE, inventory_quantity__gt=0)
        .annotate(
            units_sold=Coalesce(Subquery(units, output_field=BigIntegerField()), Value(0)),
            revenue_minor=Coalesce(Subquery(revenue, output_field=BigIntegerField()), Value(0)),
        )
        .order_by("-units_sold", "-revenue_minor", "-created_at", "-pk")
    )
    return [
        # Both numbers are annotations of the query, which the type checker does not know on Product.
        ProductSales(
            product=product,
            units_sold=int(getattr(product, "units_sold")),  # noqa: B009
            revenue_minor=int(getattr(product, "revenue_minor")),  # noqa: B009
        )
        for product in ranked[: max(limit, 0)]
    ]


def products_active_for_store(*, store: Store) -> QuerySet[Product]:
    """The store's active products, by title: what a merchant may pick to advertise or plan (one query)."""
    return Product.objects.filter(store=store, status=ProductStatus.ACTIVE).order_by("title", "pk")
