"""The sandbox WooCommerce sites' own state: sites, REST API keys, catalogue, customers, orders, refunds, webhooks.

Nothing here is Growth Hub data: these tables play the part of a merchant's WordPress database. Money is kept in
minor units of the site's currency and rendered as WooCommerce's decimal strings at the REST edge
(``sandbox.woocommerce.resources``). The WooCommerce id of a product, customer, order, refund or webhook is the row's
primary key, as in WordPress where they are post or table ids.
"""

from django.db import models


class WooSite(models.Model):
    """One WordPress site running WooCommerce, served at ``/sandbox/woocommerce/<handle>/``."""

    handle = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    currency = models.CharField(max_length=3, default="USD")
    timezone_string = models.CharField(max_length=64, default="America/New_York")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.handle


class WooKeyPermission(models.TextChoices):
    READ = "read", "Read"  # GET only
    WRITE = "write", "Write"  # POST / PUT / DELETE only
    READ_WRITE = "read_write", "Read/Write"  # everything


class WooApiKey(models.Model):
    """A REST API key. As in WooCommerce, the consumer key is kept only as its SHA-256 HMAC (with its last seven
    characters for display) and the consumer secret in plain text, which OAuth 1.0a signature checks need."""

    site = models.ForeignKey(WooSite, on_delete=models.CASCADE, related_name="api_keys")
    user_id = models.PositiveIntegerField(default=1)
    description = models.CharField(max_length=200)
    permissions = models.CharField(max_length=10, choices=WooKeyPermission.choices)
    consumer_key_hash = models.CharField(max_length=64, unique=True)
    truncated_key = models.CharField(max_length=7)
    consumer_secret = models.CharField(max_length=43)
    last_access = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.description} (…{self.truncated_key})"


class WooProductType(models.TextChoices):
    SIMPLE = "simple", "Simple"  # one price, one stock level
    VARIABLE = "variable", "Variable"  # a parent whose variations carry prices and stock
    VARIATION = "variation", "Variation"  # one option of a variable product (its ``parent``)


class WooProduct(models.Model):
    """A product or a variation (``parent`` set), with prices in minor units and an optional cost of goods."""

    site = models.ForeignKey(WooSite, on_delete=models.CASCADE, related_name="products")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="variations")
    type = models.CharField(max_length=10, choices=WooProductType.choices, default=WooProductType.SIMPLE)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    sku = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, default="publish")  # publish, draft, pending, private
    description = models.TextField(blank=True)
    regular_price_minor = models.PositiveBigIntegerField(null=True, blank=True)
    sale_price_minor = models.PositiveBigIntegerField(null=True, blank=True)
    cost_minor = models.PositiveBigIntegerField(null=True, blank=True, help_text="cost of goods sold; empty = none")
    manage_stock = models.BooleanField(default=True)
    stock_quantity = models.IntegerField(null=True, blank=True)
    attributes = models.JSONField(default=list, blank=True)  # a variation's [{"name", "option"}]
    categories = models.JSONField(default=list, blank=True)  # ["Socks", ...]
    images = models.JSONField(default=list, blank=True)  # ["https://.../sock.jpg", ...]
    date_created_gmt = models.DateTimeField()
    date_modified_gmt = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["site", "parent", "date_created_gmt"])]

    def __str__(self) -> str:
        return self.name


class WooCustomer(models.Model):
    site = models.ForeignKey(WooSite, on_delete=models.CASCADE, related_name="customers")
    email = models.EmailField()
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_created_gmt = models.DateTimeField()
    date_modified_gmt = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "email"], name="sandbox_woo_customer_email")]

    def __str__(self) -> str:
        return self.email


class WooOrderStatus(models.TextChoices):
    PENDING = "pending", "Pending payment"  # placed, not paid
    PROCESSING = "processing", "Processing"  # paid, awaiting fulfilment
    ON_HOLD = "on-hold", "On hold"  # awaiting payment confirmation
    COMPLETED = "completed", "Completed"  # paid and fulfilled
    CANCELLED = "cancelled", "Cancelled"  # cancelled by the merchant or the customer
    REFUNDED = "refunded", "Refunded"  # refunded in full
    FAILED = "failed", "Failed"  # the payment failed


class WooOrder(models.Model):
    """An order with its totals in minor units; ``meta_data`` holds Order Attribution and the visitor id."""

    site = models.ForeignKey(WooSite, on_delete=models.CASCADE, related_name="orders")
    number = models.CharField(max_length=20)
    status = models.CharField(max_length=12, choices=WooOrderStatus.choices, default=WooOrderStatus.PROCESSING)
    currency = models.CharField(max_length=3)
    customer = models.ForeignKey(WooCustomer, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    billing_email = models.EmailField(blank=True)
    discount_total_minor = models.PositiveBigIntegerField(default=0)
    shipping_total_minor = models.PositiveBigIntegerField(default=0)
    total_tax_minor = models.PositiveBigIntegerField(default=0)
    total_minor = models.PositiveBigIntegerField(default=0)
    coupon_lines = models.JSONField(default=list, blank=True)  # [{"code", "discount_minor"}]
    meta_data = models.JSONField(default=list, blank=True)  # [{"id", "key", "value"}]
    date_created_gmt = models.DateTimeField()
    date_modified_gmt = models.DateTimeField()
    date_paid_gmt = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["site", "date_created_gmt"]),
            models.Index(fields=["site", "date_modified_gmt"]),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class WooOrderLine(models.Model):
    order = models.ForeignKey(WooOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(WooProduct, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    variation = models.ForeignKey(WooProduct, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=200)
    sku = models.CharField(max_length=100, blank=True)
    quantity = models.PositiveIntegerField()
    price_minor = models.PositiveBigIntegerField()  # the unit price paid
    subtotal_minor = models.PositiveBigIntegerField()  # before discounts
    total_minor = models.PositiveBigIntegerField()  # after discounts

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"


class WooRefund(models.Model):
    """A refund of an order; ``line_items`` are ``[{"line_id", "quantity", "amount_minor"}]`` of the refunded lines."""

    order = models.ForeignKey(WooOrder, on_delete=models.CASCADE, related_name="refunds")
    amount_minor = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=200, blank=True)
    line_items = models.JSONField(default=list, blank=True)
    date_created_gmt = models.DateTimeField()

    def __str__(self) -> str:
        return f"refund of #{self.order.number}"


class WooWebhookStatus(models.TextChoices):
    ACTIVE = "active", "Active"  # delivers
    PAUSED = "paused", "Paused"  # set by the merchant: delivers nothing
    DISABLED = "disabled", "Disabled"  # set by WooCommerce after too many consecutive failures


class WooWebhook(models.Model):
    site = models.ForeignKey(WooSite, on_delete=models.CASCADE, related_name="webhooks")
    name = models.CharField(max_length=200)
    topic = models.CharField(max_length=60)
    delivery_url = models.URLField(max_length=2000)
    secret = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=WooWebhookStatus.choices, default=WooWebhookStatus.ACTIVE)
    failure_count = models.PositiveIntegerField(default=0)
    date_created_gmt = models.DateTimeField()
    date_modified_gmt = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.topic} → {self.delivery_url}"


class WooWebhookDelivery(models.Model):
    """One POST to a webhook's delivery URL (the creation ping included), as WooCommerce's delivery log keeps it."""

    webhook = models.ForeignKey(WooWebhook, on_delete=models.CASCADE, related_name="deliveries")
    topic = models.CharField(max_length=60)  # the webhook's topic, or "action.ping" for the creation ping
    body = models.TextField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)  # empty: no answer (timeout, refused)
    response_error = models.CharField(max_length=300, blank=True)
    succeeded = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"delivery {self.pk} of webhook {self.webhook_id}"
