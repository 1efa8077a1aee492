"""Customers, orders, their lines, discount codes and refunds: from a store platform, a CSV import or the demo seed."""

from django.db import models

from stores.models.catalog import Product
from stores.models.connections import PlatformConnection
from stores.models.tenancy import Store, validate_currency

# At most this many cart / note attributes are kept per order, each key and value cut to ATTRIBUTE_VALUE_MAX.
ORDER_ATTRIBUTES_MAX = 50
ATTRIBUTE_KEY_MAX = 100
ATTRIBUTE_VALUE_MAX = 500


class Customer(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="customers")
    external_id = models.CharField(max_length=64)
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=120, blank=True)
    accepts_marketing = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    # Null: the merchant's own (CSV, demo); set: synced from that store-platform connection.
    source = models.ForeignKey(
        PlatformConnection, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    source_updated_at = models.DateTimeField(null=True, blank=True)
    # When the platform asked for this customer's erasure: email and name are blanked and stay blank.
    redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["store", "external_id"], name="customer_unique_external_id")]

    def __str__(self) -> str:
        return self.name or self.email or self.external_id


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # placed, not yet paid
    PAID = "paid", "Paid"  # revenue
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"  # revenue less refunded_minor
    REFUNDED = "refunded", "Refunded"  # no revenue
    CANCELLED = "cancelled", "Cancelled"  # never revenue


class Order(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="orders")
    external_id = models.CharField(max_length=64)
    name = models.CharField(
        max_length=64, blank=True, db_default="", help_text='The number the merchant sees, e.g. "#1001".'
    )
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    total_minor = models.BigIntegerField(help_text="Order total in minor units (cents).")
    subtotal_minor = models.BigIntegerField(
        default=0, db_default=0, help_text="Lines after line discounts, before shipping, tax."
    )
    discount_minor = models.BigIntegerField(default=0, db_default=0)
    shipping_minor = models.BigIntegerField(default=0, db_default=0)
    tax_minor = models.BigIntegerField(default=0, db_default=0)
    # The sum of the order's Refund rows (kept in step by stores.commerce.ingest; the demo seed writes it directly).
    refunded_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, validators=[validate_currency])
    status = models.CharField(max_length=24, choices=OrderStatus.choices, default=OrderStatus.PAID)
    created_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # A test order (Shopify's bogus gateway): stored so the merchant sees it arrived, never counted as revenue.
    test = models.BooleanField(default=False, db_default=False)
    landing_url = models.URLField(max_length=2000, blank=True)
    referrer = models.URLField(max_length=2000, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=200, blank=True)
    utm_content = models.CharField(max_length=200, blank=True)
    utm_term = models.CharField(max_length=200, blank=True)
    click_ids = models.JSONField(default=dict, blank=True, help_text='e.g. {"gclid": "...", "fbclid": "..."}')
    visitor_id = models.CharField(max_length=64, blank=True)
    # Cart / note attributes, at most ORDER_ATTRIBUTES_MAX pairs of bounded strings.
    attributes = models.JSONField(default=dict, blank=True, db_default={})
    # False: the platform had not finished the customer's journey yet (Shopify); read the order again later.
    journey_ready = models.BooleanField(default=True, db_default=True)
    source = models.ForeignKey(
        PlatformConnection, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    source_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["store", "external_id"], name="order_unique_external_id"),
            models.CheckConstraint(condition=models.Q(total_minor__gte=0), name="order_total_non_negative"),
            models.CheckConstraint(
                condition=models.Q(refunded_minor__gte=0) & models.Q(refunded_minor__lte=models.F("total_minor")),
                name="order_refund_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(subtotal_minor__gte=0)
                & models.Q(discount_minor__gte=0)
                & models.Q(shipping_minor__gte=0)
                & models.Q(tax_minor__gte=0),
                name="order_amounts_non_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["store", "created_at"]),
            models.Index(fields=["store", "customer"]),
        ]

    def __str__(self) -> str:
        return self.name or f"#{self.external_id}"

    @property
    def net_minor(self) -> int:
        if self.status in (OrderStatus.REFUNDED, OrderStatus.CANCELLED):
            return 0
        return self.total_minor - self.refunded_minor


class OrderDiscountCode(models.Model):
    """A discount code used on an order: a table, not a JSON list, so attribution can find orders by code with an
    index on every database (a code handed to one creator or campaign names where the order came from)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="discount_codes")
    code = models.CharField(max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "code"], name="order_discount_code_unique")]
        indexes = [models.Index(fields=["store", "code"])]

    def __str__(self) -> str:
        return self.code


class OrderLine(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    external_id = models.CharField(max_length=64, blank=True, db_default="")
    title = models.CharField(max_length=200)
    sku = models.CharField(max_length=255, blank=True, db_default="")
    variant_external_id = models.CharField(max_length=64, blank=True, db_default="")
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.BigIntegerField()
    discount_minor = models.BigIntegerField(
        default=0, db_default=0, help_text="The line's share of discounts, over all units."
    )
    # The unit cost at the time of sale, copied from the variant or product when the line was first written; a later
    # cost edit or re-sync never changes it (so past margins stay what they were). Empty: no cost was known.
    unit_cost_minor = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="orderline_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(unit_price_minor__gte=0), name="orderline_unit_price_non_negative"
            ),
            models.CheckConstraint(condition=models.Q(discount_minor__gte=0), name="orderline_discount_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"


class Refund(models.Model):
    """Money returned on an order, on its own day: revenue falls on the refund's day, not the order's."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="refunds")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    external_id = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    amount_minor = models.BigIntegerField()
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "external_id"], name="refund_unique_external_id"),
            models.CheckConstraint(condition=models.Q(amount_minor__gte=0), name="refund_amount_non_negative"),
        ]
        indexes = [models.Index(fields=["store", "created_at"])]

    def __str__(self) -> str:
        return f"Refund {self.external_id} of {self.order_id}"


class RefundLine(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="refund_lines")
    quantity = models.PositiveIntegerField()
    amount_minor = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_minor__gte=0), name="refundline_amount_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × line {self.order_line_id}"
