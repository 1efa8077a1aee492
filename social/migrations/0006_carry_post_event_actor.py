"""Carries PostEvent's old actor values into the ActorFields added by 0005.

The old values are carried over: source "user" -> kind user with the event's user, "api" -> kind api (its user
kept), anything else ("publisher", "preflight", "watchdog", "connection", "reconciliation", a loop, "demo") -> kind
system labelled with that word.
"""

from django.db import migrations, models
from django.db.models.functions import Left


LABEL_MAX = 120


def carry_actor_forward(apps, schema_editor):
    PostEvent = apps.get_model("social", "PostEvent")
    PostEvent.objects.filter(source="user").update(actor_kind="user", actor_user=models.F("actor"), actor_label="")
    PostEvent.objects.filter(source="api").update(actor_kind="api", actor_user=models.F("actor"), actor_label="API")
    for source in PostEvent.objects.exclude(source__in=["user", "api"]).values_list("source", flat=True).distinct():
        PostEvent.objects.filter(source=source).update(
            actor_kind="system", actor_user=models.F("actor"), actor_label=source[:LABEL_MAX]
        )


def carry_actor_back(apps, schema_editor):
    PostEvent = apps.get_model("social", "PostEvent")
    PostEvent.objects.filter(actor_kind="user").update(source="user", actor=models.F("actor_user"))
    PostEvent.objects.filter(actor_kind="api").update(source="api", actor=models.F("actor_user"))
    PostEvent.objects.exclude(actor_kind__in=["user", "api"]).update(
        source=Left("actor_label", 40), actor=models.F("actor_user")
    )


class Migration(migrations.Migration):
    dependencies = [("social", "0005_post_event_actor")]

    operations = [migrations.RunPython(carry_actor_forward, carry_actor_back)]
