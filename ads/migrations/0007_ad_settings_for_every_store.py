"""Every store has its ad settings row from its creation on (``ads.apps`` creates it with the store); this gives
the stores made before that theirs, with the defaults, so reads never have to create one."""

from django.db import migrations


def create_missing(apps, schema_editor):  # noqa: ANN001, ANN201 - Django's migration signature
    store_model = apps.get_model("stores", "Store")
    settings_model = apps.get_model("ads", "StoreAdSettings")
    missing = store_model.objects.filter(ad_settings__isnull=True).values_list("pk", flat=True)
    settings_model.objects.bulk_create([settings_model(store_id=pk) for pk in missing.iterator()], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("ads", "0006_campaignaction_actor_fields"),
    ]

    operations = [
        migrations.RunPython(create_missing, migrations.RunPython.noop),
    ]
