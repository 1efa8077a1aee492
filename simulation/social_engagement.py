"""The organic engagement model the sandbox reports with, shared with the demo seed so both give the same numbers.

A post's hidden quality comes from a hash of (seed, platform, id); every count is a function of the hours since it
was published. Historical demo posts carry ids in a reserved range (``9`` + the publish time as ten digits of Unix
seconds + five digits of sequence), so their engagement follows from the id alone, whoever asks.
"""

import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass

from django.conf import settings

from platforms.constants import INSTAGRAM, PINTEREST, TIKTOK, X

HISTORICAL_ID = re.compile(r"^9(\d{10})\d{5}$")

# Audience a typical post of each platform reaches once it has run its course.
BASE_REACH = {TIKTOK: 4200, INSTAGRAM: 1600, PINTEREST: 1100, X: 800}
# How fast the audience arrives (hours to ~63 %).
RISE_HOURS = {TIKTOK: 30.0, INSTAGRAM: 14.0, PINTEREST: 72.0, X: 6.0}


def engagement_seed() -> int:
    return int(settings.SANDBOX_SEED)


def historical_external_id(published_at: dt.datetime, sequence: int) -> str:
    return f"9{int(published_at.timestamp()):010d}{sequence % 100_000:05d}"


def historical_published_at(external_id: str) -> dt.datetime | None:
    match = HISTORICAL_ID.match(external_id)
    if not match:
        return None
    return dt.datetime.fromtimestamp(int(match.group(1)), tz=dt.UTC)


def quality(platform: str, external_id: str, *, seed: int) -> float:
    """A post's hidden quality, between 0.25 and 4, log-normally spread around 1."""
    digest = hashlib.sha256(f"{seed}:{platform}:{external_id}".encode()).digest()
    u1 = (int.from_bytes(digest[:8], "big") + 1) / 2**64
    u2 = int.from_bytes(digest[8:16], "big") / 2**64
    normal = math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
    return max(0.25, min(4.0, math.exp(0.55 * normal)))


@dataclass(frozen=True)
class Engagement:
    impressions: int
    reach: int
    likes: int
    comments: int
    shares: int
    saves: int
    clicks: int
    video_views: int


def engagement(
    platform: str, external_id: str, published_at: dt.datetime, *, at: dt.datetime, seed: int, video: bool = False
) -> Engagement:
    """Lifetime totals at ``at``; zero before publishing."""
    hours = max(0.0, (at - published_at).total_seconds() / 3600)
    q = quality(platform, external_id, seed=seed)
    grown = (1 - math.exp(-hours / RISE_HOURS[platform])) * (1 + 0.04 * math.log1p(hours / 24))
    impressions = int(BASE_REACH[platform] * q * grown)
    rate = 0.035 * math.sqrt(q)  # better posts are also liked more by those who see them
    return Engagement(
        impressions=impressions,
        reach=int(impressions * 0.82),
        likes=int(impressions * rate),
        comments=int(impressions * rate * 0.08),
        shares=int(impressions * rate * 0.12),
        saves=int(impressions * rate * (0.4 if platform == PINTEREST else 0.15)),
        clicks=int(impressions * 0.011 * q),
        video_views=int(impressions * 0.9) if video or platform == TIKTOK else 0,
    )
