"""The actor columns every event row carries (see ``stores.actors`` for the ``Actor`` that fills them)."""

from django.conf import settings
from django.db import models


class ActorKind(models.TextChoices):
    USER = "user", "A member"  # in the dashboard
    API = "api", "The API"  # a store API key
    RULE = "rule", "A rule"
    WORKFLOW = "workflow", "A workflow"  # growth's promote / launch flows
    SYSTEM = "system", "Growth Hub"  # beat tasks, the publisher, holds, completions, retries


LABEL_MAX = 120


class ActorFields(models.Model):
    """The actor columns of an event row; ``Actor.row_fields()`` fills them."""

    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices, default=ActorKind.SYSTEM)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=LABEL_MAX, blank=True)

    class Meta:
        abstract = True

    @property
    def actor_display(self) -> str:
        """ "alice@example.com", "API key ci", "rule Pause losers", "publisher": who did it, for pages and admin."""
        if self.actor_kind == ActorKind.USER and self.actor_user_id:
            return str(self.actor_user)
        return self.actor_label or ActorKind(self.actor_kind).label
