"""Touchpoints, visitors and journeys: the path from a click or a visit to an order.

Words (``docs/architecture.md`` has them too):

- A **visitor** is one browser, named by the first-party id the pixel keeps (``gh_vid``) and passes to the order
  (cart attribute ``_gh_visitor``). Visitors are stitched to a customer by the orders and checkouts they make.
- A **touchpoint** is one thing a visitor did that marketing can be credited for: a click on a tracked link, a
  page or product view, a completed checkout. It keeps the facts as they came (UTM words, click ids, the
  referrer, the link's post or campaign) and the channel they classify as (``analytics.channels``). No raw IP
  address is kept: ``ip_hash`` and ``ua_hash`` are keyed hashes with a salt that rotates (``analytics.privacy``).
- A **journey** is the touches that led to one order (within the store's lookback window, in time order), or the
  touches of a visitor who has not bought (the data-driven models need those too).
"""

from django.db import models

from ads.models import AdCampaign
from social.models import SocialPost
from stores.models import Customer, Order, Store, TrackedLink

VISITOR_ID_MAX_LENGTH = 64
URL_MAX_LENGTH = 2000
LOOKBACK_DAYS_DEFAULT = 30
LOOKBACK_DAYS_MAX = 90


class ConsentMode(models.TextChoices):
    # Tracking starts only once the storefront's consent signal allows analytics or marketing (Shopify's customer
    # privacy API; a browser's Global Privacy Control always means no).
    WAIT_FOR_CONSENT = "wait", "Wait for the shopper's consent"
    # Tracking runs without waiting (first-party analytics where the law allows it); GPC is still honoured.
    ALWAYS = "always", "Track without waiting for consent (GPC still honoured)"


class TrackingSettings(models.Model):
    """A store's tracking choices and the public key its pixel and gh.js identify the store by."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="tracking_settings")
    public_key = models.CharField(max_length=40, unique=True, help_text="not a secret: it is in the storefront")
    consent_mode = models.CharField(max_length=8, choices=ConsentMode.choices, default=ConsentMode.WAIT_FOR_CONSENT)
    lookback_days = models.PositiveSmallIntegerField(default=LOOKBACK_DAYS_DEFAULT)
    extra_origins = models.JSONField(
        default=list,
        blank=True,
        help_text="storefront origins beside the store's own domain, e.g. https://shop.example",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "tracking settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lookback_days__gte=1) & models.Q(lookback_days__lte=LOOKBACK_DAYS_MAX),
                name="tracking_lookback_bounded",
            )
        ]

    def __str__(self) -> str:
        return f"tracking of {self.store}"


class HashSalt(models.Model):
    """The random salt of one UTC day's IP and user-agent hashes. Salts older than ``SALT_KEEP_DAYS`` are deleted,
    after which that day's hashes can no longer be linked to an address by anyone, the hub included."""

    day = models.DateField(unique=True)
    salt = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"salt of {self.day}"


class Visitor(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="visitors")
    visitor_id = models.CharField(max_length=VISITOR_ID_MAX_LENGTH)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="visitors")
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "visitor_id"], name="visitor_unique_id")]
        indexes = [models.Index(fields=["store", "customer"])]

    def __str__(self) -> str:
        return self.visitor_id


class TouchKind(models.TextChoices):
    CLICK = "click", "Clicked a tracked link"
    PAGE_VIEW = "page_view", "Viewed a page"
    PRODUCT_VIEW = "product_view", "Viewed a product"
    CHECKOUT = "checkout", "Completed a checkout"
    # Made from the order itself when a journey is built (never stored as touchpoints).
    LANDING = "landing", "Landed (the order's own landing page)"
    DISCOUNT_CODE = "discount_code", "Used a discount code"


class Touchpoint(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="touchpoints")
    # Unique per store: the pixel's event id (a replayed batch writes nothing twice); a click's is made server-side.
    event_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=TouchKind.choices)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    visitor_id = models.CharField(max_length=VISITOR_ID_MAX_LENGTH, blank=True)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    order_external_id = models.CharField(max_length=64, blank=True, help_text="the order a checkout event names")
    link = models.ForeignKey(TrackedLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    post = models.ForeignKey(SocialPost, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    campaign = models.ForeignKey(AdCampaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=24)
    platform = models.CharField(max_length=32, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=200, blank=True)
    utm_content = models.CharField(max_length=200, blank=True)
    utm_term = models.CharField(max_length=200, blank=True)
    click_ids = models.JSONField(default=dict, blank=True)
    referrer = models.CharField(max_length=URL_MAX_LENGTH, blank=True)
    url = models.CharField(max_length=URL_MAX_LENGTH, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    ua_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "event_id"], name="touchpoint_unique_event")]
        indexes = [
            models.Index(fields=["store", "visitor_id", "occurred_at"]),
            models.Index(fields=["store", "customer", "occurred_at"]),
            models.Index(fields=["store", "occurred_at"]),
            models.Index(fields=["store", "order_external_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} {self.occurred_at:%Y-%m-%d %H:%M}"


class Journey(models.Model):
    """The touches before one order (``order`` set), or a visitor's touches that have not led to one yet."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="journeys")
    order = models.OneToOneField(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="journey")
    visitor_id = models.CharField(max_length=VISITOR_ID_MAX_LENGTH, blank=True)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="journeys")
    converted = models.BooleanField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(help_text="the order's time, or the last touch of a journey without one")
    touch_count = models.PositiveIntegerField()
    built_at = models.DateTimeField()
    # Set when something the journey was built from changed (the order rewritten, a late touch, a stitch): the
    # journeys beat task builds it again.
    stale = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "visitor_id"],
                condition=models.Q(order__isnull=True),
                name="journey_unique_open_visitor",
            )
        ]
        indexes = [
            models.Index(fields=["store", "ended_at"]),
            models.Index(fields=["store", "converted", "ended_at"]),
            models.Index(fields=["store", "stale"], condition=models.Q(stale=True), name="journey_stale"),
        ]

    def __str__(self) -> str:
        return f"journey of {self.order or self.visitor_id}"


class JourneyCursor(models.Model):
    """How far the journeys task has read a store's touchpoints (by primary key): touches after it are new, and the
    journeys they change are built again."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="journey_cursor")
    touchpoint_id = models.BigIntegerField(default=0, help_text="the last touchpoint read")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"journeys of {self.store} read until touchpoint {self.touchpoint_id}"


class JourneyTouch(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="touches")
    position = models.PositiveIntegerField()
    touchpoint = models.ForeignKey(Touchpoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=16, choices=TouchKind.choices)
    occurred_at = models.DateTimeField()
    channel = models.CharField(max_length=24)
    platform = models.CharField(max_length=32, blank=True)
    post = models.ForeignKey(SocialPost, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    campaign = models.ForeignKey(AdCampaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(
        max_length=200, blank=True, help_text="what the merchant reads: a referrer, a code, a source"
    )

    class Meta:
        ordering = ["journey", "position"]
        constraints = [models.UniqueConstraint(fields=["journey", "position"], name="journeytouch_unique_position")]
        indexes = [models.Index(fields=["store", "channel"])]

    def __str__(self) -> str:
        return f"{self.position}. {self.channel}"
