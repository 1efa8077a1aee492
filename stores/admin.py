"""Django admin for staff: stores, members, API keys, catalogue, commerce and platform connections.

Secrets never show: API keys display their prefix only (the hash is excluded), and connection tokens and webhook
secrets are excluded from every list, form and detail page. What a store platform owns (synced products, orders,
refunds, deliveries) is read-only here: the next sync would overwrite an edit. A webhook body may hold customer data:
it shows on the delivery's own page only, never in a list. A connection's status is read-only: staff change it
through the actions, which call the connection services, each change an event by the staff member labelled "admin".
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from platforms.errors import PlatformError
from stores.actors import Actor
from stores.connections.services import (
    connection_disconnect,
    connection_mark_expired,
    connection_refresh,
    disconnect_message,
)
from stores.exceptions import ApplicationError
from stores.imports import admin as import_admin  # noqa: F401 - registers the CSV import jobs
from stores.models import (
    Customer,
    CustomerDataRequest,
    Membership,
    Order,
    OrderDiscountCode,
    OrderLine,
    Product,
    ProductVariant,
    Refund,
    RefundLine,
    Store,
    StoreApiKey,
    StoreSync,
    WebhookDelivery,
)
from stores.models.connections import ConnectionEvent, ConnectionStatus, PlatformConnection
from stores.services import api_key_revoke


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("user",)


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "status", "currency", "timezone", "storefront_domain", "created_at")
    list_filter = ("status", "currency")
    search_fields = ("name", "slug", "storefront_domain")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "store", "role", "created_at")
    list_filter = ("role", "store")
    search_fields = ("user__email", "store__name", "store__slug")
    list_select_related = ("user", "store")
    raw_id_fields = ("user", "store")
    readonly_fields = ("created_at",)


@admin.register(StoreApiKey)
class StoreApiKeyAdmin(admin.ModelAdmin):
    """Read-only: keys are created in the store's settings, where the raw key is shown once. Staff may revoke."""

    list_display = ("name", "store", "prefix", "role", "created_by", "created_at", "last_used_at", "revoked_at")
    list_filter = ("role", ("revoked_at", admin.EmptyFieldListFilter), "store")
    search_fields = ("name", "prefix", "store__name", "store__slug")
    list_select_related = ("store", "created_by")
    exclude = ("key_hash",)
    readonly_fields = (
        "store",
        "name",
        "prefix",
        "role",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke_keys"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StoreApiKey | None = None) -> bool:
        return False

    @admin.action(description="Revoke the selected keys", permissions=["delete"])
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[StoreApiKey]) -> None:
        keys = list(queryset.filter(revoked_at__isnull=True))
        for key in keys:
            api_key_revoke(key=key)
        self.message_user(request, f"Revoked {len(keys)} key(s).")


class ProductVariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 0
    fields = readonly_fields = (
        "external_id",
        "title",
        "sku",
        "price_minor",
        "compare_at_price_minor",
        "inventory_quantity",
        "unit_cost_minor",
        "inventory_item_id",
    )
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "store",
        "external_id",
        "status",
        "price_minor",
        "currency",
        "inventory_quantity",
        "source",
    )
    list_filter = ("status", "category", "store")
    search_fields = ("title", "external_id", "handle", "store__name")
    list_select_related = ("store", "source")
    raw_id_fields = ("store", "source")
    readonly_fields = ("created_at", "updated_at", "source_updated_at")
    inlines = [ProductVariantInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Product | None = None) -> tuple[str, ...]:
        """A product the store platform owns is read-only but for its unit cost (which the platform may lack)."""
        if obj is not None and obj.is_platform_owned:
            editable = {"unit_cost_minor"}
            return tuple(f.name for f in Product._meta.concrete_fields if f.name not in editable)
        return tuple(self.readonly_fields)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "store", "external_id", "email", "accepts_marketing", "created_at")
    list_filter = ("accepts_marketing", "store")
    search_fields = ("external_id", "email", "name", "store__name")
    list_select_related = ("store",)
    raw_id_fields = ("store",)
    date_hierarchy = "created_at"


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = (
        "product",
        "external_id",
        "title",
        "sku",
        "quantity",
        "unit_price_minor",
        "discount_minor",
        "unit_cost_minor",
    )
    raw_id_fields = ("product",)

    def get_readonly_fields(self, request: HttpRequest, obj: Order | None = None) -> tuple[str, ...]:
        return self.fields if obj is not None and obj.source_id is not None else ()


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    fields = readonly_fields = ("external_id", "created_at", "amount_minor", "reason")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class OrderDiscountCodeInline(admin.TabularInline):
    model = OrderDiscountCode
    extra = 0
    fields = readonly_fields = ("code",)
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "store",
        "customer",
        "status",
        "total_minor",
        "refunded_minor",
        "currency",
        "test",
        "utm_source",
        "created_at",
    )
    list_filter = ("status", "test", "utm_source", "currency", "store")
    search_fields = ("external_id", "name", "customer__email", "utm_campaign", "store__name")
    list_select_related = ("store", "customer")
    raw_id_fields = ("store", "customer", "source")
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderDiscountCodeInline, RefundInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Order | None = None) -> tuple[str, ...]:
        """An order from a store platform is the platform's record: read-only (a re-sync would undo an edit)."""
        if obj is not None and obj.source_id is not None:
            return tuple(f.name for f in Order._meta.concrete_fields)
        return ()


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ("title", "order", "store", "product", "quantity", "unit_price_minor", "unit_cost_minor")
    search_fields = ("title", "sku", "order__external_id", "store__name")
    list_filter = ("store",)
    list_select_related = ("order", "store", "product")
    raw_id_fields = ("order", "store", "product")


class RefundLineInline(admin.TabularInline):
    model = RefundLine
    extra = 0
    fields = readonly_fields = ("order_line", "quantity", "amount_minor")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the sync and the webhooks: staff read them, never add or edit them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("external_id", "order", "store", "amount_minor", "created_at")
    list_filter = ("store",)
    search_fields = ("external_id", "order__external_id", "store__name")
    list_select_related = ("order", "store")
    date_hierarchy = "created_at"
    inlines = [RefundLineInline]


@admin.register(StoreSync)
class StoreSyncAdmin(ReadOnlyAdmin):
    list_display = (
        "connection",
        "store",
        "backfill_status",
        "orders_synced_through",
        "products_synced_through",
        "last_synced_at",
    )
    list_filter = ("backfill_status",)
    list_select_related = ("connection", "store")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    # No body column: it may carry a customer's name, e-mail and address.
    list_display = ("topic", "store", "platform", "status", "attempts", "received_at", "processed_at")
    list_filter = ("status", "platform", "topic")
    search_fields = ("delivery_id", "store__name")
    list_select_related = ("store",)
    date_hierarchy = "received_at"


@admin.register(CustomerDataRequest)
class CustomerDataRequestAdmin(ReadOnlyAdmin):
    list_display = ("customer_external_id", "store", "received_at", "fulfilled_at")
    list_filter = ("store",)
    search_fields = ("customer_external_id", "store__name")
    list_select_related = ("store",)


def _each_connection(
    request: HttpRequest,
    connections: QuerySet[PlatformConnection],
    change: Callable[[PlatformConnection, Actor], str],
) -> None:
    """Apply ``change`` to each selected connection; it returns what to tell staff ("" when it changed nothing).
    A platform's or our own refusal is reported for that connection and the others go on."""
    actor = Actor.staff(request.user)
    for connection in connections.order_by("pk"):
        try:
            said = change(connection, actor)
        except (ApplicationError, PlatformError) as error:
            messages.error(request, f"{connection}: {error.message}")
            continue
        if said:
            messages.success(request, f"{connection}: {said}")
        else:
            messages.warning(request, f"{connection}: not changed (it is {connection.get_status_display().lower()}).")


def _mark_expired(connection: PlatformConnection, actor: Actor) -> str:
    reason = "Marked expired by Growth Hub staff; reconnect it to go on."
    return "marked expired." if connection_mark_expired(connection=connection, reason=reason, actor=actor) else ""


def _refresh(connection: PlatformConnection, actor: Actor) -> str:
    if connection.status != ConnectionStatus.ACTIVE:
        return ""
    renewed = connection_refresh(connection_id=connection.pk, actor=actor)
    if renewed is None:
        return "nothing to renew (its token cannot be renewed and has not run out)."
    return "token renewed." if renewed.status == ConnectionStatus.ACTIVE else f"expired: {renewed.last_error}"


def _disconnect(connection: PlatformConnection, actor: Actor) -> str:
    if connection.status == ConnectionStatus.REVOKED:
        return ""
    outcome = connection_disconnect(connection=connection, actor=actor)
    return disconnect_message(outcome=outcome, platform=connection.platform)


class ConnectionEventInline(admin.TabularInline):
    model = ConnectionEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "kind", "actor_display", "reason")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConnectionEvent]:
        return super().get_queryset(request).select_related("actor_user")


@admin.register(PlatformConnection)
class PlatformConnectionAdmin(admin.ModelAdmin):
    """Tokens are encrypted and never shown; staff see the account, its state, its last error and its history.

    The status is read-only; the actions change it through the connection services."""

    list_display = (
        "__str__",
        "store",
        "platform",
        "status",
        "access_token_expires_at",
        "last_success_at",
        "last_failure_at",
    )
    list_filter = ("platform", "status", "store")
    search_fields = ("external_account_id", "external_account_name", "ad_account_id", "store__name")
    list_select_related = ("store",)
    exclude = ("access_token_encrypted", "refresh_token_encrypted", "webhook_secret_encrypted")
    raw_id_fields = ("store", "connected_by")
    readonly_fields = ("status", "connected_at", "updated_at", "last_success_at", "last_failure_at")
    inlines = [ConnectionEventInline]
    actions = ["mark_expired", "refresh_now", "disconnect"]

    @admin.action(
        description="Mark the selected connections expired (the merchant must reconnect)", permissions=["change"]
    )
    def mark_expired(self, request: HttpRequest, queryset: QuerySet[PlatformConnection]) -> None:
        _each_connection(request, queryset, _mark_expired)

    @admin.action(description="Renew the selected connections' tokens now", permissions=["change"])
    def refresh_now(self, request: HttpRequest, queryset: QuerySet[PlatformConnection]) -> None:
        _each_connection(request, queryset, _refresh)

    @admin.action(
        description="Disconnect the selected connections (revoke where the platform allows)", permissions=["change"]
    )
    def disconnect(self, request: HttpRequest, queryset: QuerySet[PlatformConnection]) -> None:
        _each_connection(request, queryset, _disconnect)
