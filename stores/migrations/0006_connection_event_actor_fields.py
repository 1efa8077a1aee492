"""ConnectionEvent records its actor with the shared ActorFields instead of ``actor`` (a user).

The old values are carried over: an event with a user -> kind user with that user; one without -> kind system,
labelled with the part of Growth Hub that writes such events now ("token refresh" for renewals, "expiry warning"
for warnings, "connection" for expiries; other kinds unlabelled).
"""

import django.db.models.deletion
from django.conf import settings
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
    dependencies = [
        ("stores", "0005_store_locale"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="connectionevent",
            name="actor_kind",
            field=models.CharField(
                choices=[
                    ("user", "A member"),
                    ("api", "The API"),
                    ("rule", "A rule"),
                    ("workflow", "A workflow"),
                    ("system", "Growth Hub"),
                ],
                default="system",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="connectionevent",
            name="actor_label",
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.AddField(
            model_name="connectionevent",
            name="actor_user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(carry_actor_forward, carry_actor_back),
        migrations.RemoveField(model_name="connectionevent", name="actor"),
    ]
