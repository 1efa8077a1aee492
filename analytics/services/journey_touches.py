"""The touches of a journey: a touchpoint row, an order's landing and discount codes, as what a journey holds
(``analytics.services.journeys`` tells the rules)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from analytics import channels
from analytics.models import Journey, JourneyTouch, TouchKind
from stores.links import parse_link
from stores.models import Store

BATCH_SIZE = 1000
MAX_TOUCHES = 500  # a journey keeps its last MAX_TOUCHES touches (a crawler that got a visitor id cannot bloat it)
SOURCE_MAX = 200

TOUCH_FIELDS = (
    "pk",
    "kind",
    "occurred_at",
    "visitor_id",
    "customer_id",
    "post_id",
    "campaign_id",
    "channel",
    "platform",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "referrer",
    "url",
    "link__code",
)


@dataclass
class Touch:
    kind: str
    occurred_at: dt.datetime
    channel: str
    platform: str
    source: str
    touchpoint_id: int | None = None
    post_id: int | None = None
    campaign_id: int | None = None


def own_hosts(store: Store) -> list[str]:
    """The store's own storefront hosts: a referrer from them is the store itself, not a source."""
    return [store.storefront_domain] if store.storefront_domain else []


def touch_source(
    *, kind: str, utm_source: str = "", utm_medium: str = "", utm_campaign: str = "", referrer: str = "", url: str = ""
) -> str:
    """What the merchant reads of where a touch came from: ``tiktok / social · spring``, a referrer's host, the
    page viewed, or ``direct``."""
    if utm_source or utm_medium:
        text = " / ".join(word for word in (utm_source, utm_medium) if word)
        if utm_campaign:
            text += f" · {utm_campaign}"
    elif host := channels.host_of(referrer):
        text = host
    elif kind in (TouchKind.PAGE_VIEW, TouchKind.PRODUCT_VIEW) and url:
        try:
            text = urlsplit(url).path or "/"
        except ValueError:
            text = ""
    else:
        text = "direct"
    return text[:SOURCE_MAX]


def touch_from_row(row: dict[str, Any]) -> Touch:
    source = touch_source(
        kind=row["kind"],
        utm_source=row["utm_source"],
        utm_medium=row["utm_medium"],
        utm_campaign=row["utm_campaign"],
        referrer=row["referrer"],
        url=row["url"],
    )
    if row["kind"] == TouchKind.CLICK and source == "direct" and row["link__code"]:
        source = f"tracked link {row['link__code']}"
    return Touch(
        kind=row["kind"],
        occurred_at=row["occurred_at"],
        channel=row["channel"],
        platform=row["platform"],
        source=source,
        touchpoint_id=row["pk"],
        post_id=row["post_id"],
        campaign_id=row["campaign_id"],
    )


def _key(channel: str, platform: str, campaign: str, content: str) -> tuple[str, str, str, str]:
    return channel, platform, campaign.strip().lower(), content.strip().lower()


def _landing_touch(
    order: dict[str, Any], *, hosts: list[str], posts: set[int], campaigns: set[int]
) -> tuple[Touch, tuple[str, str, str, str]] | None:
    """The order's landing as a touch and its key, or None when the order has no landing data."""
    has_data = any(order[f] for f in ("landing_url", "referrer", "utm_source", "utm_medium", "click_ids"))
    if not has_data:
        return None
    tags = parse_link(order["landing_url"])
    post_id = tags.post_id if tags.post_id in posts else None
    campaign_id = tags.campaign_id if tags.campaign_id in campaigns else None
    found = channels.classify(
        utm_source=order["utm_source"] or tags.source,
        utm_medium=order["utm_medium"] or tags.medium,
        click_ids=order["click_ids"] or {},
        referrer=order["referrer"],
        link_platform=tags.platform or "",
        has_campaign=campaign_id is not None,
        has_post=post_id is not None,
        own_hosts=hosts,
    )
    touch = Touch(
        kind=TouchKind.LANDING,
        occurred_at=order["created_at"],
        channel=found.channel,
        platform=found.platform,
        source=touch_source(
            kind=TouchKind.LANDING,
            utm_source=order["utm_source"] or tags.source,
            utm_medium=order["utm_medium"] or tags.medium,
            utm_campaign=order["utm_campaign"] or tags.campaign,
            referrer=order["referrer"],
        ),
        post_id=post_id,
        campaign_id=campaign_id,
    )
    key = _key(
        found.channel, found.platform, order["utm_campaign"] or tags.campaign, order["utm_content"] or tags.content
    )
    return touch, key


def order_touches(
    order: dict[str, Any],
    touch_rows: Sequence[dict[str, Any]],
    codes: Sequence[str],
    *,
    hosts: list[str],
    posts: set[int],
    campaigns: set[int],
) -> list[Touch]:
    """The touches of one order's journey (rules in the module docstring), from its already selected touchpoint
    rows (time ordered, within its window)."""
    touches = [touch_from_row(row) for row in touch_rows][-MAX_TOUCHES:]
    keys = {_key(row["channel"], row["platform"], row["utm_campaign"], row["utm_content"]) for row in touch_rows}
    landing = _landing_touch(order, hosts=hosts, posts=posts, campaigns=campaigns)
    if landing is not None and (not touches or landing[1] not in keys):
        touches.append(landing[0])
    if not touches:
        touches.append(
            Touch(
                kind=TouchKind.LANDING,
                occurred_at=order["created_at"],
                channel=channels.DIRECT,
                platform="",
                source="direct",
            )
        )
    last = touches[-1]
    for code in codes:
        touches.append(
            Touch(
                kind=TouchKind.DISCOUNT_CODE,
                occurred_at=order["created_at"],
                channel=last.channel,
                platform=last.platform,
                source=f"code {code}"[:SOURCE_MAX],
                post_id=last.post_id,
                campaign_id=last.campaign_id,
            )
        )
    return touches


def journey_touch_rows(store: Store, journey: Journey, touches: Sequence[Touch]) -> list[JourneyTouch]:
    return [
        JourneyTouch(
            store=store,
            journey=journey,
            position=position,
            touchpoint_id=touch.touchpoint_id,
            kind=touch.kind,
            occurred_at=touch.occurred_at,
            channel=touch.channel,
            platform=touch.platform,
            post_id=touch.post_id,
            campaign_id=touch.campaign_id,
            source=touch.source,
        )
        for position, touch in enumerate(touches, start=1)
    ]
