"""Taking the database to a migration and back, for the tests of a migration that carries data over."""

import pytest
from django.apps.registry import Apps
from django.db import connection as db_connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(*targets: tuple[str, str]) -> Apps:
    """Migrate to ``targets`` (app, migration name) and return the models as they stand there."""
    executor = MigrationExecutor(db_connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))
    return executor.loader.project_state(list(targets)).apps


@pytest.fixture
def latest_schema_after():
    """Whatever the test does, the database is left at the latest migrations for the tests that follow."""
    yield
    executor = MigrationExecutor(db_connection)
    migrate_to(*executor.loader.graph.leaf_nodes())
