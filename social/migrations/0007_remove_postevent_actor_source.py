"""Drops PostEvent's old ``actor`` and ``source`` columns, carried into the ActorFields by 0006.

Its own migration (its own transaction) because PostgreSQL refuses to alter a table with deferred foreign-key checks
still pending from the data carried over just before.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("social", "0006_carry_post_event_actor")]

    operations = [
        migrations.RemoveField(model_name="postevent", name="actor"),
        migrations.RemoveField(model_name="postevent", name="source"),
    ]
