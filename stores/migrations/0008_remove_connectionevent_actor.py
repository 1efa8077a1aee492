"""Drops ConnectionEvent's old ``actor`` column, carried into the ActorFields by 0007.

Its own migration (its own transaction) because PostgreSQL refuses to alter a table with deferred foreign-key checks
still pending from the data carried over just before.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("stores", "0007_carry_connection_event_actor")]

    operations = [migrations.RemoveField(model_name="connectionevent", name="actor")]
