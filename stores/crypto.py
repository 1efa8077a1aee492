"""Secrets at rest: MultiFernet over FIELD_ENCRYPTION_KEYS (the first key encrypts, every key decrypts)."""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(value: str) -> str:
    """Decrypt with whichever configured key fits; a value no key fits raises InvalidToken."""
    return fernet().decrypt(value.encode()).decode() if value else ""


def rotate(value: str) -> str:
    """Re-encrypt ``value`` with the primary key (no-op for an empty value)."""
    return fernet().rotate(value.encode()).decode() if value else ""


__all__ = ["InvalidToken", "decrypt", "encrypt", "rotate"]
