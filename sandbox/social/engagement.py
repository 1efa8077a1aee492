"""The sandbox's clock for engagement, over the shared model in ``simulation.social_engagement``.

Engagement is computed at ``sandbox_now()``: ``SANDBOX_NOW`` (an ISO datetime) when set, else the time plus
``SANDBOX_CLOCK_OFFSET_SECONDS``, so a test (or the demo) can move the clock.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from simulation import social_engagement
from simulation.social_engagement import Engagement, historical_published_at

__all__ = ["Engagement", "engagement", "historical_published_at", "sandbox_now"]


def sandbox_now() -> dt.datetime:
    fixed = getattr(settings, "SANDBOX_NOW", "")
    if fixed:
        parsed = parse_datetime(fixed)
        if parsed is not None:
            return parsed
    return timezone.now() + dt.timedelta(seconds=getattr(settings, "SANDBOX_CLOCK_OFFSET_SECONDS", 0))


def engagement(
    platform: str, external_id: str, published_at: dt.datetime, *, video: bool = False, at: dt.datetime | None = None
) -> Engagement:
    """Totals at ``at`` (default ``sandbox_now()``) with the sandbox's seed."""
    return social_engagement.engagement(
        platform,
        external_id,
        published_at,
        at=at or sandbox_now(),
        seed=social_engagement.engagement_seed(),
        video=video,
    )
