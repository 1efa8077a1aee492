"""Bulk writes for the commerce seed: ``COPY`` on PostgreSQL, one prepared ``INSERT`` on SQLite, ids allocated up
front from ``MAX(id)`` under a table lock, sequences reset afterwards, and SQLite's fsync skipped while it writes."""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import numpy as np
from django.core.management.color import no_style
from django.db import connection, models


def relaxed_durability() -> AbstractContextManager[None]:
    """On SQLite, skip fsync while the seed writes (the data can be re-seeded); restored afterwards."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return nullcontext()

    @contextmanager
    def relaxed() -> Iterator[None]:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            previous = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA synchronous=OFF")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA synchronous={previous}")

    return relaxed()


def lock_tables(tables: Sequence[type[models.Model]]) -> None:
    """Ids are allocated from MAX(id): keep other writers out of these tables until the seed commits."""
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=models.Max("id"))["top"] or 0) + 1


def reset_sequences(tables: Sequence[type[models.Model]]) -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), list(tables))
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


def timestamps(epoch_seconds: np.ndarray) -> list[str]:
    """UTC timestamps as the database stores them (SQLite: Django's naive UTC text)."""
    text = np.datetime_as_string(epoch_seconds.astype("datetime64[s]"), unit="s")
    suffix = "+00:00" if connection.vendor == "postgresql" else ""
    return [t.replace("T", " ") + suffix for t in text.tolist()]


def column_name(model: type[models.Model], field: str) -> str:
    """The database column of ``model``'s concrete field ``field``."""
    concrete = model._meta.get_field(field)
    if not isinstance(concrete, models.Field) or not concrete.column:
        raise ValueError(f"{model.__name__}.{field} is not a column")
    return concrete.column


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Append rows to the model's table: COPY on PostgreSQL, one prepared INSERT on SQLite."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column_name(model, f)) for f in fields)
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in fields)
        raw.executemany(f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})", rows)  # noqa: S608 - names from _meta
