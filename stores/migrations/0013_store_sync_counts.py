"""What each store-platform connection brought in, kept on its sync row (the status pages read it instead of counting
on every view); the rows already there are counted once here, and what adds rows keeps the counts from then on."""

from django.db import migrations, models


def count_what_each_connection_brought(apps, schema_editor):
    StoreSync = apps.get_model("stores", "StoreSync")
    Product, Order = apps.get_model("stores", "Product"), apps.get_model("stores", "Order")
    for sync in StoreSync.objects.only("pk", "connection_id"):
        sync.products_count = Product.objects.filter(source_id=sync.connection_id).count()
        sync.orders_count = Order.objects.filter(source_id=sync.connection_id).count()
        sync.save(update_fields=["products_count", "orders_count"])


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
