"""The sandbox Shopify shops' own state: shops, catalogue, customers, orders, refunds, webhooks and bulk operations.

Nothing here is Growth Hub data: these tables play the part of Shopify's servers. Money is kept in minor units of the
shop's currency and rendered as Shopify's decimal strings at the API edge (``sandbox.shopify.resolvers`` and
``sandbox.shopify.rest``). A Shopify id (the number in ``gid://shopify/Order/<id>``) is the row's primary key; an
inventory item shares its variant's id.
"""

from django.db import models

from sandbox.models.core import SandboxAccount, SandboxApp


class ShopifyShop(models.Model):
    """One shop, served at ``/sandbox/shopify/<domain>/``. ``account`` is what its tokens are issued to; the cost
    bucket (``cost_available`` points as of ``cost_checked_at``) is the Admin GraphQL leaky bucket."""

    domain = models.CharField(max_length=80, unique=True, help_text="<handle>.myshopify.com")
    name = models.CharField(max_length=120)
    currency = models.CharField(max_length=3, default="USD")
    iana_timezone = models.CharField(max_length=64, default="America/New_York")
    primary_domain = models.URLField(max_length=200, blank=True)
    account = models.OneToOneField(SandboxAccount, on_delete=models.PROTECT, related_name="shopify_shop")
    cost_available = models.FloatField(default=2000.0)
    cost_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.domain


class ShopifyProductStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    DRAFT = "DRAFT", "Draft"
    ARCHIVED = "ARCHIVED", "Archived"


class ShopifyProduct(models.Model):
    shop = models.ForeignKey(ShopifyShop, on_delete=models.CASCADE, related_name="products")
    title = models.CharField(max_length=255)
    handle = models.SlugField(max_length=255)
    status = models.CharField(max_length=10, choices=ShopifyProductStatus.choices, default=ShopifyProductStatus.ACTIVE)
    description = models.TextField(blank=True)
    product_type = models.CharField(max_length=120, blank=True)
    tags = models.JSONField(default=list, blank=True)
    image_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["shop", "updated_at"])]

    def __str__(self) -> str:
        return self.title


class ShopifyVariant(models.Model):
    """A variant with its inventory item: tracked stock and the unit cost (empty = not set)."""

    product = models.ForeignKey(ShopifyProduct, on_delete=models.CASCADE, related_name="variants")
    title = models.CharField(max_length=255, default="Default Title")
    sku = models.CharField(max_length=100, blank=True)
    position = models.PositiveIntegerField(default=1)
    price_minor = models.PositiveBigIntegerField()
    compare_at_price_minor = models.PositiveBigIntegerField(null=True, blank=True)
    inventory_quantity = models.IntegerField(default=0)
    tracked = models.BooleanField(default=True)
    unit_cost_minor = models.PositiveBigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.product.title} / {self.title}"


class ShopifyEmailMarketingState(models.TextChoices):
    SUBSCRIBED = "SUBSCRIBED", "Subscribed"
    NOT_SUBSCRIBED = "NOT_SUBSCRIBED", "Not subscribed"
    UNSUBSCRIBED = "UNSUBSCRIBED", "Unsubscribed"


class ShopifyCustomer(models.Model):
    shop = models.ForeignKey(ShopifyShop, on_delete=models.CASCADE, related_name="customers")
    email = models.EmailField()
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    marketing_state = models.CharField(
        max_length=16, choices=ShopifyEmailMarketingState.choices, default=ShopifyEmailMarketingState.NOT_SUBSCRIBED
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "email"], name="sandbox_shopify_customer_email")]
        indexes = [models.Index(fields=["shop", "updated_at"])]

    def __str__(self) -> str:
        return self.email


class ShopifyFinancialStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    PAID = "PAID", "Paid"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED", "Partially refunded"
    REFUNDED = "REFUNDED", "Refunded"
    VOIDED = "VOIDED", "Voided"


class ShopifyOrder(models.Model):
    """An order with its totals in minor units, discount codes, cart attributes (``custom_attributes``
    ``[{"key", "value"}]``) and the customer journey summary of its first visit (``utm`` keyed source, medium,
    campaign, content, term)."""

    shop = models.ForeignKey(ShopifyShop, on_delete=models.CASCADE, related_name="orders")
    number = models.PositiveIntegerField()
    customer = models.ForeignKey(
        ShopifyCustomer, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    currency = models.CharField(max_length=3)
    financial_status = models.CharField(
        max_length=20, choices=ShopifyFinancialStatus.choices, default=ShopifyFinancialStatus.PAID
    )
    subtotal_minor = models.PositiveBigIntegerField(default=0)
    total_discounts_minor = models.PositiveBigIntegerField(default=0)
    shipping_minor = models.PositiveBigIntegerField(default=0)
    tax_minor = models.PositiveBigIntegerField(default=0)
    total_minor = models.PositiveBigIntegerField(default=0)
    discount_codes = models.JSONField(default=list, blank=True)  # ["WELCOME10", ...]
    custom_attributes = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    journey_ready = models.BooleanField(default=True)
    landing_page = models.CharField(max_length=2000, blank=True)
    referrer_url = models.CharField(max_length=2000, blank=True)
    visit_source = models.CharField(max_length=100, blank=True)
    utm = models.JSONField(default=dict, blank=True)
    test = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    processed_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "number"], name="sandbox_shopify_order_number")]
        indexes = [models.Index(fields=["shop", "updated_at"]), models.Index(fields=["shop", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.number}"


class ShopifyOrderLine(models.Model):
    order = models.ForeignKey(ShopifyOrder, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(ShopifyVariant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    product = models.ForeignKey(ShopifyProduct, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=255)
    sku = models.CharField(max_length=100, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.PositiveBigIntegerField()
    discount_minor = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"


class ShopifyRefund(models.Model):
    order = models.ForeignKey(ShopifyOrder, on_delete=models.CASCADE, related_name="refunds")
    note = models.CharField(max_length=255, blank=True)
    amount_minor = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"refund of #{self.order.number}"


class ShopifyRefundLine(models.Model):
    refund = models.ForeignKey(ShopifyRefund, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(ShopifyOrderLine, on_delete=models.CASCADE, related_name="refund_lines")
    quantity = models.PositiveIntegerField()
    subtotal_minor = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"{self.quantity} of line {self.line_id}"


class ShopifyWebhookSubscription(models.Model):
    """A shop-specific subscription made through the API by ``app`` (whose client secret signs the deliveries)."""

    shop = models.ForeignKey(ShopifyShop, on_delete=models.CASCADE, related_name="webhook_subscriptions")
    app = models.ForeignKey(SandboxApp, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=60)  # the GraphQL enum, ORDERS_CREATE
    uri = models.URLField(max_length=2000)
    format = models.CharField(max_length=8, default="JSON")
    api_version = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "app", "topic", "uri"], name="sandbox_shopify_webhook_unique")
        ]

    def __str__(self) -> str:
        return f"{self.topic} → {self.uri}"


class ShopifyWebhookDelivery(models.Model):
    """One event sent to one subscription: the same body and ids on every attempt."""

    subscription = models.ForeignKey(ShopifyWebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    topic = models.CharField(max_length=60)  # the REST topic of the header, orders/create
    webhook_id = models.CharField(max_length=36, unique=True)
    event_id = models.CharField(max_length=36)
    body = models.TextField()
    triggered_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.topic} delivery {self.webhook_id}"


class ShopifyBulkStatus(models.TextChoices):
    CREATED = "CREATED", "Created"
    RUNNING = "RUNNING", "Running"
    COMPLETED = "COMPLETED", "Completed"
    FAILED = "FAILED", "Failed"
    CANCELED = "CANCELED", "Canceled"
    EXPIRED = "EXPIRED", "Expired"


class ShopifyBulkOperation(models.Model):
    """A bulk query and its JSONL result, downloadable without a token at a URL holding ``download_key``.

    The result is a file on disk (``result_path``, under ``settings.SANDBOX_BULK_RESULT_DIR``), written line by line
    while the operation runs: a shop's whole history is gigabytes, more than a column or a process should hold. The
    file goes with the row (see ``sandbox.signals``)."""

    shop = models.ForeignKey(ShopifyShop, on_delete=models.CASCADE, related_name="bulk_operations")
    app = models.ForeignKey(SandboxApp, on_delete=models.CASCADE, related_name="+")
    query = models.TextField()
    scopes = models.JSONField(default=list, help_text="the scopes of the token that started it: what it may read")
    group_objects = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=ShopifyBulkStatus.choices, default=ShopifyBulkStatus.CREATED)
    error_code = models.CharField(max_length=30, blank=True)
    object_count = models.PositiveIntegerField(default=0)
    root_object_count = models.PositiveIntegerField(default=0)
    result_path = models.CharField(max_length=500, blank=True, help_text="the JSONL result file, once completed")
    result_size = models.PositiveBigIntegerField(default=0, help_text="the result file's size in bytes")
    download_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"bulk operation {self.pk} ({self.status})"
