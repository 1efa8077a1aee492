"""Key rotation beside ``stores.crypto``: re-encrypt every stored secret with the primary key of
FIELD_ENCRYPTION_KEYS, so the older keys can then be removed (``manage.py rotate_encryption_keys``)."""

from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps
from django.db import models, transaction

from stores import crypto


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every model field that holds a secret encrypted with FIELD_ENCRYPTION_KEYS (named ``*_encrypted``)."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if f.name.endswith("_encrypted")]
        if names:
            found.append((model, names))
    return found


def encrypted_rows_count() -> int:
    return sum(model._default_manager.count() for model, _ in encrypted_fields())


def encrypted_secrets_rotate(*, batch_size: int = 200, progress: Callable[[int], Any] | None = None) -> int:
    """Re-encrypt every secret with the primary key; afterwards the other keys can be removed.

    Rows are rewritten in batches, each in its own transaction; ``progress(n)`` is called with each batch's size.
    Returns how many rows were rewritten. A value no configured key can decrypt raises InvalidToken.
    """
    rewritten = 0
    for model, names in encrypted_fields():
        for batch in _batches(model, batch_size):
            with transaction.atomic():
                rows = list(model._default_manager.select_for_update().filter(pk__in=batch))
                for row in rows:
                    for name in names:
                        setattr(row, name, crypto.rotate(getattr(row, name)))
                model._default_manager.bulk_update(rows, names)
            rewritten += len(rows)
            if progress:
                progress(len(rows))
    return rewritten


def _batches(model: type[models.Model], size: int) -> Iterator[list[Any]]:
    pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), size):
        yield pks[start : start + size]
