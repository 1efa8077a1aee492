import django.db.models
from django.db import migrations

import stores.models.tenancy


class Migration(migrations.Migration):
    dependencies = [
        ("stores", "0004_idempotency_keys_and_grant_kept_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="store",
            name="locale",
            field=django.db.models.CharField(
                default="en_US",
                help_text="How amounts are written on the store's pages, e.g. en_US ($1,234.50), de_DE (1.234,50 $).",
                max_length=32,
                validators=[stores.models.tenancy.validate_locale],
            ),
        ),
    ]
