"""PostEvent records its actor with stores' ActorFields instead of ``actor`` (a user) and ``source`` (a word).

The columns only; 0006 carries the old values into them and 0007 drops the old columns, each migration its own
transaction: on PostgreSQL a table whose rows were just updated (deferred foreign-key checks pending) can be neither
altered nor indexed in the same transaction.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0004_post_unconfirmed_status"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="postevent",
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
            model_name="postevent",
            name="actor_label",
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.AddField(
            model_name="postevent",
            name="actor_user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
