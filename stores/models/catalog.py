"""The store's catalogue: products and their variants, the merchant's own or synced from a store platform."""

from django.db import models

from stores.models.connections import PlatformConnection
from stores.models.tenancy import Store, validate_currency


class ProductStatus(models.TextChoices):
    ACTIVE = "active", "Active"  # for sale; may be promoted
    DRAFT = "draft", "Draft"  # not yet on the storefront
    ARCHIVED = "archived", "Archived"  # no longer sold (or deleted at the platform); kept for history


class UnitCostSource(models.TextChoices):
    PLATFORM = "platform", "Store platform"  # the platform's cost per item; a re-sync replaces it
    MERCHANT = "merchant", "Merchant"  # typed by the merchant; kept while the platform has no cost


class Product(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="products")
    external_id = models.CharField(max_length=64)
    handle = models.CharField(max_length=255, blank=True, db_default="")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    price_minor = models.BigIntegerField(help_text="Price in minor units (cents).")
    unit_cost_minor = models.BigIntegerField(default=0, help_text="Unit cost in minor units (cents).")
    unit_cost_source = models.CharField(
        max_length=16,
        choices=UnitCostSource.choices,
        default=UnitCostSource.MERCHANT,
        db_default=UnitCostSource.MERCHANT,
    )
    currency = models.CharField(max_length=3, validators=[validate_currency])
    url = models.URLField(max_length=500, blank=True)
    image_url = models.URLField(max_length=500, blank=True)
    tags = models.JSONField(default=list, blank=True)
    category = models.CharField(max_length=80, blank=True)
    inventory_quantity = models.IntegerField(default=0)
    status = models.CharField(max_length=16, choices=ProductStatus.choices, default=ProductStatus.ACTIVE)
    # Null: the merchant's own product (typed or imported from CSV). Set: the store platform owns it; pages show
    # it read-only except for the unit cost.
    source = models.ForeignKey(
        PlatformConnection, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    # The platform's own last-modified time of the data applied: an older record never overwrites a newer one.
    source_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["store", "external_id"], name="product_unique_external_id"),
            models.CheckConstraint(condition=models.Q(price_minor__gte=0), name="product_price_non_negative"),
            models.CheckConstraint(condition=models.Q(unit_cost_minor__gte=0), name="product_cost_non_negative"),
            models.CheckConstraint(
                condition=models.Q(inventory_quantity__gte=0), name="product_inventory_non_negative"
            ),
        ]
        indexes = [models.Index(fields=["store", "category"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_platform_owned(self) -> bool:
        """Whether a store platform owns the data (read-only in pages but for the unit cost)."""
        return self.source_id is not None


class ProductVariant(models.Model):
    """One sellable variant of a product (size, colour) as the store platform lists it."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    external_id = models.CharField(max_length=64)
    title = models.CharField(max_length=255, blank=True)
    sku = models.CharField(max_length=255, blank=True)
    price_minor = models.BigIntegerField()
    compare_at_price_minor = models.BigIntegerField(null=True, blank=True)
    inventory_quantity = models.IntegerField(null=True, blank=True, help_text="Empty: stock is not tracked.")
    unit_cost_minor = models.BigIntegerField(null=True, blank=True, help_text="Empty: the platform has no cost.")
    # Shopify's InventoryItem GID: stock changes arrive by it; empty elsewhere.
    inventory_item_id = models.CharField(max_length=64, blank=True)
    # The platform's time of the stock level applied: an older stock change never overwrites a newer one.
    inventory_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["product", "id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "external_id"], name="variant_unique_external_id"),
            models.CheckConstraint(condition=models.Q(price_minor__gte=0), name="variant_price_non_negative"),
            models.CheckConstraint(
                condition=models.Q(unit_cost_minor__isnull=True) | models.Q(unit_cost_minor__gte=0),
                name="variant_cost_non_negative",
            ),
        ]
        indexes = [models.Index(fields=["store", "inventory_item_id"])]

    def __str__(self) -> str:
        return f"{self.product_id} · {self.title or self.external_id}"
