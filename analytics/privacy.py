"""No raw IP address is stored: touchpoints keep keyed hashes of the address and the user agent.

The key is a random salt of the UTC day (``HashSalt``), kept for ``SALT_KEEP_DAYS`` days and then deleted by the
retention task, so hashes link visits of the same device within a few days (enough to tell a click storm from a
crowd) and can never be reversed or linked across that horizon afterwards. IPv4 addresses are truncated to their /24
and IPv6 to their /48 before hashing, as analytics tools do.
"""

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from analytics.models import HashSalt

SALT_KEEP_DAYS = 2
_salts: dict[dt.date, bytes] = {}


def salt_for(day: dt.date) -> bytes:
    """The day's salt, made on first use (two processes racing both read the one that was written)."""
    if (cached := _salts.get(day)) is not None:
        return cached
    row = HashSalt.objects.filter(day=day).first()
    if row is None:
        try:
            with transaction.atomic():
                row = HashSalt.objects.create(day=day, salt=secrets.token_bytes(32))
        except IntegrityError:
            row = HashSalt.objects.get(day=day)
    salt = bytes(row.salt)
    _salts.clear()
    _salts[day] = salt
    return salt


def truncated_ip(address: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) network of ``address``; "" for something that is not an address."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def keyed_hash(value: str, *, at: dt.datetime | None = None) -> str:
    """HMAC-SHA256 of ``value`` under the salt of ``at``'s UTC day, hex; "" for an empty value."""
    if not value:
        return ""
    day = (at or timezone.now()).astimezone(dt.UTC).date()
    return hmac.new(salt_for(day), value.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def ip_hash(address: str, *, at: dt.datetime | None = None) -> str:
    return keyed_hash(truncated_ip(address), at=at)


def ua_hash(user_agent: str, *, at: dt.datetime | None = None) -> str:
    return keyed_hash(user_agent[:1000], at=at)


def expired_salts_delete(*, today: dt.date | None = None) -> int:
    """Delete the salts older than SALT_KEEP_DAYS; the number deleted."""
    today = today or timezone.now().astimezone(dt.UTC).date()
    _salts.clear()
    deleted, _ = HashSalt.objects.filter(day__lt=today - dt.timedelta(days=SALT_KEEP_DAYS)).delete()
    return deleted
