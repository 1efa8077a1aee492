"""What the three ad platforms' clients share: the campaign spec they build from, the rows they report, the surface
the ads app uses (``AdsClient``; a platform's client is ``platforms.registry.platform(slug).client(...)``) and the
conversion of amounts between minor and major units at the platform edge.

Each client creates a campaign as a chain of levels (Meta: campaign, ad set, creative, ad; Google: budget,
campaign, ad group, ad; TikTok: campaign, ad group, ad). Every level can be looked up by its name, which carries
the intent id of the Growth Hub campaign, so after an ambiguous failure the caller finds what was created instead
of creating it twice.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from platforms.constants import currency_exponent

# Our objectives; each client maps them to its platform's own enum.
SALES = "sales"
TRAFFIC = "traffic"
AWARENESS = "awareness"
OBJECTIVES = (SALES, TRAFFIC, AWARENESS)

LEVEL_SUFFIX = {"budget": "budget", "adset": "ad set", "creative": "creative", "ad": "ad"}


@dataclass(frozen=True)
class CampaignSpec:
    """Everything a client needs to create one campaign; money in minor units of ``currency``."""

    name: str
    objective: str
    daily_budget_minor: int
    currency: str
    landing_url: str
    headlines: list[str]
    descriptions: list[str]
    primary_text: str
    image_url: str = ""
    video_id: str = ""
    countries: list[str] = field(default_factory=lambda: ["US"])
    request_key: int = 0  # a stable 63-bit number per intent (TikTok's request_id)
    page_id: str = ""  # Meta page the ad speaks as
    pixel_id: str = ""  # Meta / TikTok pixel for conversion objectives
    display_name: str = ""
    url_tags: str = ""
    end_at: dt.datetime | None = None  # delivery stops by itself here (aware); None = runs until stopped
    timezone: str = "UTC"  # the advertiser's zone, for platforms that take local dates (Google)

    def level_name(self, level: str) -> str:
        """The name of one level of the chain; all of them carry the campaign name (and so the intent id)."""
        return self.name if level == "campaign" else f"{self.name} · {LEVEL_SUFFIX[level]}"


@dataclass(frozen=True)
class DailyInsight:
    campaign_id: str
    date: dt.date
    spend_minor: int
    impressions: int
    clicks: int
    purchases: int
    purchase_value_minor: int


def major_to_minor(value: str | float | int | None, currency: str) -> int:
    """``"12.345"`` USD → 1235: amounts the platforms report in major units, in minor units rounded half up.

    The insight reports carry no currency; they are in the ad account's, which the caller must pass: a default
    would read 3000 yen as 300000.
    """
    if value in (None, ""):
        return 0
    scale = Decimal(10) ** currency_exponent(currency)
    return int((Decimal(str(value)) * scale).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def minor_to_major(minor: int, currency: str) -> Decimal:
    """1234 USD → ``Decimal("12.34")``; 1200 JPY → ``Decimal("1200")``: what the platforms take in major units."""
    return Decimal(minor).scaleb(-currency_exponent(currency))


class AdsClient(Protocol):
    slug: str
    levels: tuple[str, ...]
    min_daily_budget_minor: int
    objectives: dict[str, str]

    def create_level(self, level: str, spec: CampaignSpec, ids: dict[str, str]) -> str: ...

    def find_level(self, level: str, spec: CampaignSpec, ids: dict[str, str]) -> str | None: ...

    def set_active(self, ids: dict[str, str], *, active: bool) -> None: ...

    def set_daily_budget(self, ids: dict[str, str], daily_budget_minor: int, *, currency: str) -> None:
        """Set the daily budget, ``daily_budget_minor`` in minor units of ``currency`` (the campaign's)."""

    def archive(self, ids: dict[str, str]) -> None: ...

    def daily_insights(
        self, campaign_ids: list[str], since: dt.date, until: dt.date, *, currency: str
    ) -> list[DailyInsight]:
        """Daily rows; the platform reports money in major units of ``currency`` (the ad account's)."""
