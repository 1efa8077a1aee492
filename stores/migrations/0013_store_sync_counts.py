"""What each store-platform connection brought in, kept on its sync row (the status pages read it instead of counting
on every view); the rows already there are counted once here, later syncs, backfills, imports and webhooks recount."""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_what_each_connection_brought(apps, schema_editor):
    StoreSync = apps.get_model("stores", "StoreSync")
    counted = {"products_count": apps.get_model("stores", "Product"), "orders_count": apps.get_model("stores", "Order")}
    StoreSync.objects.update(
        **{
            field: Coalesce(
                Subquery(
                    model.objects.filter(source=OuterRef("connection_id"))
                    .order_by()
                    .values("source")
                    .annotate(n=Count("*"))
                    .values("n")
                ),
                0,
            )
            for field, model in counted.items()
        }
    )


class Migration(migrations.Migration):
    dependencies = [
        ("stores", "0012_import_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="storesync",
            name="orders_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="storesync",
            name="products_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_what_each_connection_brought, migrations.RunPython.noop),
    ]
