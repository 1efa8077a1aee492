"""Carries ConnectionEvent's old actor values into the ActorFields added by 0006.

The old values are carried over: an event with a user -> kind user with that user; one without -> kind system,
labelled with the part of Growth Hub that writes such events now ("token refresh" for renewals, "expiry warning"
for warnings, "connection" for expiries; other kinds unlabelled).
"""

from django.db import migrations, models


SYSTEM_LABELS = {
    "refreshed": "token refresh",
    "refresh_failed": "token refresh",
    "expiry_warned": "expiry warning",
    "expired": "connection",
}


def carry_actor_forward(apps, schema_editor):
    ConnectionEvent = apps.get_model("stores", "ConnectionEvent")
    ConnectionEvent.objects.filter(actor__isnull=False).update(
        actor_kind="user", actor_user=models.F("actor"), actor_label=""
    )
    system = ConnectionEvent.objects.filter(actor__isnull=True)
    system.update(actor_kind="system", actor_user=None, actor_label="")
    for kind, label in SYSTEM_LABELS.items():
        system.filter(kind=kind).update(actor_label=label)


def carry_actor_back(apps, schema_editor):
    ConnectionEvent = apps.get_model("stores", "ConnectionEvent")
    ConnectionEvent.objects.update(actor=models.F("actor_user"))


class Migration(migrations.Migration):
    dependencies = [("stores", "0006_connection_event_actor_fields")]

    operations = [migrations.RunPython(carry_actor_forward, carry_actor_back)]
