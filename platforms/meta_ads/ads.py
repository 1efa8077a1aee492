"""Meta Marketing API client: campaign → ad set → creative → ad, status, ad set budget, daily insights.

Docs: https://developers.facebook.com/docs/marketing-api/reference/ad-account/campaigns/ (create campaign),
https://developers.facebook.com/docs/marketing-api/reference/ad-account/adsets/ (ad set: daily_budget in minor
units, targeting, promoted_object), https://developers.facebook.com/docs/marketing-api/reference/ad-creative/
(object_story_spec.link_data), https://developers.facebook.com/docs/marketing-api/reference/adgroup/ (ad),
https://developers.facebook.com/docs/marketing-api/insights/ (time_increment=1, actions / action_values),
https://developers.facebook.com/docs/graph-api/guides/error-handling (error codes).
Everything is created PAUSED and activated explicitly; there is no idempotency key, so each level is looked up
by its unique name before it is created again.
"""

import datetime as dt
import json
from typing import Any

from platforms.ads_common import AWARENESS, SALES, TRAFFIC, CampaignSpec, DailyInsight, major_to_minor
from platforms.base import platform_url
from platforms.constants import META_ADS
from platforms.meta_ads.http import MetaHttp

GRAPH = "https://graph.facebook.com"
GRAPH_VERSION = "v25.0"
PURCHASE_ACTION = "offsite_conversion.fb_pixel_purchase"
PURCHASE_FALLBACKS = ("omni_purchase", "purchase")
MAX_INSIGHT_PAGES = 200


class MetaAdsClient:
    slug = META_ADS
    levels = ("campaign", "adset", "creative", "ad")
    min_daily_budget_minor = 100
    objectives = {SALES: "OUTCOME_SALES", TRAFFIC: "OUTCOME_TRAFFIC", AWARENESS: "OUTCOME_AWARENESS"}
    optimization_goals = {SALES: "OFFSITE_CONVERSIONS", TRAFFIC: "LINK_CLICKS", AWARENESS: "REACH"}

    def __init__(self, *, access_token: str, account_id: str, http: MetaHttp | None = None) -> None:
        self.token = access_token
        self.account = account_id if account_id.startswith("act_") else f"act_{account_id}"
        self.http = http or MetaHttp()

    def _url(self, path: str) -> str:
        return platform_url(slug=self.slug, live_base=GRAPH, path=f"{GRAPH_VERSION}/{path}")

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def _post(self, path: str, data: dict[str, Any]) -> Any:
        form = {k: json.dumps(v, sort_keys=True) if isinstance(v, dict | list) else v for k, v in data.items()}
        return self.http.request("POST", self._url(path), headers=self._headers(), data=form)

    def _get(self, path: str, params: dict[str, Any]) -> Any:
        query = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in params.items()}
        return self.http.request("GET", self._url(path), headers=self._headers(), params=query)

    def create_level(self, level: str, spec: CampaignSpec, ids: dict[str, str]) -> str:
        """Create one level of the chain, PAUSED; returns its id."""
        name = spec.level_name(level)
        if level == "campaign":
            data: dict[str, Any] = {
                "name": name,
                "objective": self.objectives[spec.objective],
                "special_ad_categories": [],
                "buying_type": "AUCTION",
                "status": "PAUSED",
            }
            return self._post(f"{self.account}/campaigns", data)["id"]
        if level == "adset":
            data = {
                "name": name,
                "campaign_id": ids["campaign"],
                "daily_budget": spec.daily_budget_minor,
                "billing_event": "IMPRESSIONS",
                "optimization_goal": self.optimization_goals[spec.objective],
                "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
                "destination_type": "WEBSITE",
                "targeting": {"geo_locations": {"countries": spec.countries}, "age_min": 18, "age_max": 65},
                "status": "PAUSED",
            }
            if spec.end_at is not None:
                data["end_time"] = spec.end_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
            if spec.objective == SALES:
                data["promoted_object"] = {"pixel_id": spec.pixel_id, "custom_event_type": "PURCHASE"}
            return self._post(f"{self.account}/adsets", data)["id"]
        if level == "creative":
            link_data: dict[str, Any] = {
                "link": spec.landing_url,
                "message": spec.primary_text,
                "name": spec.headlines[0] if spec.headlines else spec.name,
                "call_to_action": {"type": "SHOP_NOW", "value": {"link": spec.landing_url}},
            }
            if spec.descriptions:
                link_data["description"] = spec.descriptions[0]
            if spec.image_url:
                link_data["picture"] = spec.image_url
            data = {"name": name, "object_story_spec": {"page_id": spec.page_id, "link_data": link_data}}
            if spec.url_tags:
                data["url_tags"] = spec.url_tags
            return self._post(f"{self.account}/adcreatives", data)["id"]
        data = {
            "name": name,
            "adset_id": ids["adset"],
            "creative": {"creative_id": ids["creative"]},
            "status": "PAUSED",
        }
        return self._post(f"{self.account}/ads", data)["id"]

    def find_level(self, level: str, spec: CampaignSpec, ids: dict[str, str]) -> str | None:
        """The id of the object of ``level`` we may already have created (same unique name), or None."""
        edge = {"campaign": "campaigns", "adset": "adsets", "creative": "adcreatives", "ad": "ads"}[level]
        filtering = [{"field": "name", "operator": "EQUAL", "value": spec.level_name(level)}]
        if level == "adset":
            filtering.append({"field": "campaign.id", "operator": "EQUAL", "value": ids["campaign"]})
        if level == "ad":
            filtering.append({"field": "adset.id", "operator": "EQUAL", "value": ids["adset"]})
        body = self._get(f"{self.account}/{edge}", {"fields": "id,name", "filtering": filtering, "limit": 5})
        rows = body.get("data") or []
        return rows[0]["id"] if rows else None

    def set_active(self, ids: dict[str, str], *, active: bool) -> None:
        """Activate the ad, ad set and campaign (in that order, so delivery starts with the last), or pause the
        campaign."""
        if not active:
            self._post(ids["campaign"], {"status": "PAUSED"})
            return
        for level in ("ad", "adset", "campaign"):
            self._post(ids[level], {"status": "ACTIVE"})

    def set_daily_budget(self, ids: dict[str, str], daily_budget_minor: int, *, currency: str) -> None:
        # Meta takes budgets in the account currency's minor units (its "offset"), so no conversion.
        self._post(ids["adset"], {"daily_budget": daily_budget_minor})

    def archive(self, ids: dict[str, str]) -> None:
        self._post(ids["campaign"], {"status": "ARCHIVED"})

    def read_node(self, object_id: str, fields: list[str]) -> dict[str, Any]:
        return self._get(object_id, {"fields": ",".join(fields)})

    def daily_insights(
        self, campaign_ids: list[str], since: dt.date, until: dt.date, *, currency: str
    ) -> list[DailyInsight]:
        """One row per campaign per day with delivery, following cursor pages."""
        if not campaign_ids:
            return []
        params: dict[str, Any] = {
            "level": "campaign",
            "fields": "campaign_id,spend,impressions,clicks,actions,action_values",
            "time_increment": 1,
            "time_range": {"since": since.isoformat(), "until": until.isoformat()},
            "filtering": [{"field": "campaign.id", "operator": "IN", "value": campaign_ids}],
            "limit": 500,
        }
        rows: list[DailyInsight] = []
        for _ in range(MAX_INSIGHT_PAGES):
            body = self._get(f"{self.account}/insights", params)
            rows.extend(self._insight(row, currency) for row in body.get("data") or [])
            paging = body.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not (paging.get("next") and after):
                break
            params["after"] = after
        return rows

    @staticmethod
    def _action(values: list[dict] | None) -> str | None:
        by_type = {a.get("action_type"): a.get("value") for a in values or []}
        for action in (PURCHASE_ACTION, *PURCHASE_FALLBACKS):
            if action in by_type:
                return by_type[action]
        return None

    def _insight(self, row: dict[str, Any], currency: str) -> DailyInsight:
        purchases = self._action(row.get("actions"))
        return DailyInsight(
            campaign_id=row["campaign_id"],
            date=dt.date.fromisoformat(row["date_start"]),
            spend_minor=major_to_minor(row.get("spend"), currency),
            impressions=int(row.get("impressions") or 0),
            clicks=int(row.get("clicks") or 0),
            purchases=int(float(purchases or 0)),
            purchase_value_minor=major_to_minor(self._action(row.get("action_values")), currency),
        )
