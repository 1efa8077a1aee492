"""Tracked links: the ``/r/<code>`` every link Growth Hub publishes in a post or an ad goes through.

A link belongs to a store and names its destination (the UTM-tagged url of the store's page). The post or the
campaign that carries it points at it (``SocialPost.tracked_link``, ``AdCampaign.tracked_link``): ``stores`` sits
below ``social`` and ``ads`` and cannot name them. A post's code is its marker, so the marker travels in the
published link and exactly-once publishing still finds the post at the platform by it.
"""

from django.db import models

from stores.models.tenancy import Store

CODE_MAX_LENGTH = 32
DESTINATION_MAX_LENGTH = 2000


class TrackedLink(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="tracked_links")
    code = models.CharField(max_length=CODE_MAX_LENGTH, unique=True)
    destination = models.URLField(max_length=DESTINATION_MAX_LENGTH, help_text="the UTM-tagged url a click lands on")
    platform = models.CharField(max_length=16, help_text="the registry slug of the platform the link is published on")
    created_at = models.DateTimeField(auto_now_add=True)
    clicks = models.PositiveBigIntegerField(default=0, help_text="clicks by people (each also a touchpoint)")
    bot_clicks = models.PositiveBigIntegerField(
        default=0, help_text="requests by crawlers and link unfurlers, counted apart and never as touchpoints"
    )

    class Meta:
        indexes = [models.Index(fields=["store", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Za-z0-9_-]{4,32}$"), name="trackedlink_code_shape"
            )
        ]

    def __str__(self) -> str:
        return f"/r/{self.code}"
