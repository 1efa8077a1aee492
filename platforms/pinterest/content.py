"""Pinterest API v5: boards, pins from an image URL, pin analytics.

Docs: https://developers.pinterest.com/docs/api/v5/boards-list, .../pins-create, .../pins-analytics,
.../boards_list_pins; spec pinterest/api-description v5/openapi.json 5.23.0.
"""

import datetime as dt
from typing import Any

import requests
from django.utils import timezone

from platforms.constants import PINTEREST
from platforms.content import HandleSink, Metrics, PostDraft, Published
from platforms.content_base import ContentClient
from platforms.errors import Rejected
from platforms.pinterest.http import PinterestHttp

LIVE_BASE = "https://api.pinterest.com"
ANALYTICS_METRICS = "IMPRESSION,SAVE,PIN_CLICK,OUTBOUND_CLICK,TOTAL_COMMENTS,TOTAL_REACTIONS"


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


class PinterestContent(ContentClient, PinterestHttp):
    slug = PINTEREST
    live_base = LIVE_BASE
    path_prefix = "v5/"

    def __init__(
        self, *, access_token: str, account_id: str = "", board_id: str = "", session: requests.Session | None = None
    ) -> None:
        super().__init__(access_token=access_token, account_id=account_id, session=session)
        self.board_id = board_id

    def boards(self) -> list[dict]:
        return self.call("GET", "boards", params={"page_size": 100}).get("items") or []

    def target_board(self) -> str:
        """The board pins go to: the configured one, else the account's first board."""
        if not self.board_id:
            boards = self.boards()
            if not boards:
                raise Rejected("The Pinterest account has no board to pin to.", platform=PINTEREST)
            self.board_id = str(boards[0]["id"])
        return self.board_id

    def publish(self, draft: PostDraft, *, handle: str = "", save_handle: HandleSink) -> Published:
        """Create the pin in one call; Pinterest has no intermediate id to save."""
        payload: dict[str, Any] = {
            "board_id": self.target_board(),
            "title": draft.title,
            "description": draft.caption,
            "link": draft.link or None,
            "alt_text": draft.alt_text or None,
            "media_source": {"source_type": "image_url", "url": draft.media_urls[0]},
        }
        if len(draft.media_urls) > 1:
            payload["media_source"] = {
                "source_type": "multiple_image_urls",
                "items": [{"url": url} for url in draft.media_urls],
            }
        pin = self.call("POST", "pins", json=payload)
        return Published(external_id=str(pin["id"]), permalink=f"https://www.pinterest.com/pin/{pin['id']}/")

    def lookup(self, draft: PostDraft, *, handle: str = "") -> Published | None:
        params: dict[str, Any] = {"page_size": 250}
        while True:
            page = self.call("GET", f"boards/{self.target_board()}/pins", params=params)
            items = page.get("items") or []
            for pin in items:
                if draft.carries(pin.get("link") or "", pin.get("description") or ""):
                    return Published(
                        external_id=str(pin["id"]), permalink=f"https://www.pinterest.com/pin/{pin['id']}/"
                    )
            older = bool(items and draft.since and (items[-1].get("created_at") or "") < _iso(draft.since))
            if not page.get("bookmark") or older:
                return None
            params["bookmark"] = page["bookmark"]

    def metrics(self, external_ids: list[str]) -> dict[str, Metrics]:
        """Lifetime totals (the analytics endpoint serves ranges starting within 90 days; we ask for 80 so a few
        days of clock difference never make the request invalid; posts are synced for 30 days only).

        Pinterest reads both dates as UTC days, so the range is built from the UTC day, not the store's or the
        server's."""
        today = timezone.now().astimezone(dt.UTC).date()
        params = {
            "start_date": (today - dt.timedelta(days=80)).isoformat(),
            "end_date": today.isoformat(),
            "metric_types": ANALYTICS_METRICS,
            "app_types": "ALL",
            "split_field": "NO_SPLIT",
        }
        result = {}
        for pin_id in external_ids:
            body = self.call("GET", f"pins/{pin_id}/analytics", params=params) or {}
            totals = body.get("all") or {}
            summary = totals.get("lifetime_metrics") or totals.get("summary_metrics") or {}
            result[pin_id] = Metrics(
                impressions=int(summary.get("IMPRESSION", 0)),
                reach=int(summary.get("IMPRESSION", 0)),
                likes=int(summary.get("TOTAL_REACTIONS", 0)),
                comments=int(summary.get("TOTAL_COMMENTS", 0)),
                saves=int(summary.get("SAVE", 0)),
                clicks=int(summary.get("OUTBOUND_CLICK", 0)) + int(summary.get("PIN_CLICK", 0)),
            )
        return result
