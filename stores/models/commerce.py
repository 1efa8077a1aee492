"""Customers and orders, as the store's order webhook and the demo seed deliver them."""

from django.db import models

from stores.models.catalog import Product
from stores.models.tenancy import Store, validate_currency


class Customer(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="customers")
    external_id = models.CharField(max_length=64)
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=120, blank=True)
    accepts_marketing = models.BooleanField(default=False)
    created_at = models.DateTimeField()

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
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    total_minor = models.BigIntegerField(help_text="Order total in minor units (cents).")
    refunded_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, validators=[validate_currency])
    status = models.CharField(max_length=24, choices=OrderStatus.choices, default=OrderStatus.PAID)
    created_at = models.DateTimeField()
    landing_url = models.URLField(max_length=2000, blank=True)
    referrer = models.URLField(max_length=2000, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=200, blank=True)
    utm_content = models.CharField(max_length=200, blank=True)
    utm_term = models.CharField(max_length=200, blank=True)
    click_ids = models.JSONField(default=dict, blank=True, help_text='e.g. {"gclid": "...", "fbclid": "..."}')
    visitor_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["store", "external_id"], name="order_unique_external_id"),
            models.CheckConstraint(condition=models.Q(total_minor__gte=0), name="order_total_non_negative"),
            models.CheckConstraint(
                condition=models.Q(refunded_minor__gte=0) & models.Q(refunded_minor__lte=models.F("total_minor")),
                name="order_refund_within_total",
            ),
        ]
        indexes = [
            models.Index(fields=["store", "created_at"]),
            models.Index(fields=["store", "customer"]),
        ]

    def __str__(self) -> str:
        return f"#{self.external_id}"

    @property
    def net_minor(self) -> int:
        if self.status in (OrderStatus.REFUNDED, OrderStatus.CANCELLED):
            return 0
        return self.total_minor - self.refunded_minor


class OrderLine(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="orderline_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(unit_price_minor__gte=0), name="orderline_unit_price_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"
