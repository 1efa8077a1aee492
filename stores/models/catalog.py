"""The store's catalogue."""

from django.db import models

from stores.models.tenancy import Store, validate_currency


class ProductStatus(models.TextChoices):
    ACTIVE = "active", "Active"  # for sale; may be promoted
    DRAFT = "draft", "Draft"  # not yet on the storefront
    ARCHIVED = "archived", "Archived"  # no longer sold; kept for history


class Product(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="products")
    external_id = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    price_minor = models.BigIntegerField(help_text="Price in minor units (cents).")
    unit_cost_minor = models.BigIntegerField(default=0, help_text="Unit cost in minor units (cents).")
    currency = models.CharField(max_length=3, validators=[validate_currency])
    url = models.URLField(max_length=500, blank=True)
    image_url = models.URLField(max_length=500, blank=True)
    tags = models.JSONField(default=list, blank=True)
    category = models.CharField(max_length=80, blank=True)
    inventory_quantity = models.IntegerField(default=0)
    status = models.CharField(max_length=16, choices=ProductStatus.choices, default=ProductStatus.ACTIVE)
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
