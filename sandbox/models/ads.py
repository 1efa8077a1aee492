"""The ad platforms' own objects at the sandbox: campaigns and their children, budgets, and delivery history.

One table holds every object of the three ad platforms (a Meta ad set, a Google campaign budget, a TikTok ad
group...), keyed by the platform's own id. The simulated market reads ``SandboxAdHistory``: every time an
object under a campaign changes, the campaign's delivery state (is it serving, at what daily budget) is appended,
so any past day can be recomputed from the history and reads the same every time.
"""

from django.db import models

from sandbox.models.core import PLATFORM_CHOICES, SandboxAccount


class AdObjectKind(models.TextChoices):
    CAMPAIGN = "campaign", "Campaign"
    ADSET = "adset", "Ad set / ad group"
    CREATIVE = "creative", "Creative"
    AD = "ad", "Ad"
    BUDGET = "budget", "Campaign budget (Google)"


class SandboxAdObject(models.Model):
    platform = models.CharField(max_length=16, choices=PLATFORM_CHOICES)
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="ad_objects")
    kind = models.CharField(max_length=16, choices=AdObjectKind.choices)
    external_id = models.CharField(max_length=40)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    campaign = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="descendants")
    name = models.CharField(max_length=512)
    status = models.CharField(max_length=24, help_text="the platform's own status word (ACTIVE, ENABLED, ENABLE...)")
    objective = models.CharField(max_length=40, blank=True)
    daily_budget_minor = models.BigIntegerField(null=True, blank=True)
    budget = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="budget_users")
    landing_url = models.URLField(max_length=2000, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True, help_text="every field as the client sent it")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="sandbox_adobject_unique"),
        ]
        indexes = [models.Index(fields=["account", "kind", "name"])]

    def __str__(self) -> str:
        return f"{self.platform} {self.kind} {self.external_id}"


class SandboxAdHistory(models.Model):
    """From ``at`` on, the campaign delivers (or not) at ``daily_budget_minor`` a day, until the next row."""

    campaign = models.ForeignKey(SandboxAdObject, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField()
    delivering = models.BooleanField()
    daily_budget_minor = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.campaign_id} at {self.at:%Y-%m-%d %H:%M}: {self.delivering} {self.daily_budget_minor}"


class SandboxCatalogItem(models.Model):
    """A product in the advertiser's catalogue at the platform (as a product feed would give it).

    The market values each purchase from an ad at the price of the product its landing page shows.
    """

    url = models.URLField(max_length=2000, unique=True)
    price_minor = models.BigIntegerField()

    def __str__(self) -> str:
        return self.url
