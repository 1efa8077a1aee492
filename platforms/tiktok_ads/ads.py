"""TikTok Business API v1.3 client: campaign → ad group → ad, status, ad group budget, the integrated report.

Docs: https://business-api.tiktok.com/portal/docs?id=1739318962329602 (campaign/create),
https://business-api.tiktok.com/portal/docs?id=1739499616346114 (adgroup/create),
https://business-api.tiktok.com/portal/docs?id=1739953377508354 (ad/create),
https://business-api.tiktok.com/portal/docs?id=1740302848100353 (report/integrated/get),
https://business-api.tiktok.com/portal/docs?id=1737172488964097 (error codes).
Answers are ``{"code", "message", "request_id", "data"}``, success iff ``code == 0`` (HTTP 200 either way).
Campaign and ad group creates carry a stable ``request_id`` (TikTok's own idempotency key); ads do not, and are
looked up by name before a retry. Budgets are in major units: this client converts.
"""

import datetime as dt
import json
from typing import Any

from django.utils import timezone

from platforms.ads_common import AWARENESS, SALES, TRAFFIC, CampaignSpec, DailyInsight, major_to_minor, minor_to_major
from platforms.base import platform_url
from platforms.constants import TIKTOK_ADS
from platforms.tiktok_ads.http import TikTokAdsHttp

API = "https://business-api.tiktok.com"
API_PATH = "open_api/v1.3"
US_LOCATION_ID = "6252001"
LOCATION_IDS = {"US": US_LOCATION_ID, "GB": "2635167", "CA": "6251999", "AU": "2077456", "DE": "2921044"}
REPORT_PAGE_SIZE = 1000
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # schedule times are UTC+0


class TikTokAdsClient:
    slug = TIKTOK_ADS
    levels = ("campaign", "adset", "ad")
    min_daily_budget_minor = 2000  # an ad group's daily budget is at least 20.00
    objectives = {SALES: "WEB_CONVERSIONS", TRAFFIC: "TRAFFIC", AWARENESS: "REACH"}
    optimization_goals = {SALES: ("CONVERT", "OCPM"), TRAFFIC: ("CLICK", "CPC"), AWARENESS: ("REACH", "CPM")}

    def __init__(self, *, access_token: str, account_id: str, http: TikTokAdsHttp | None = None) -> None:
        self.token = access_token
        self.advertiser = account_id
        self.http = http or TikTokAdsHttp()

    def _url(self, path: str) -> str:
        return platform_url(slug=self.slug, live_base=API, path=f"{API_PATH}/{path}")

    def _headers(self) -> dict[str, str]:
        return {"Access-Token": self.token}

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.http.request(
            "POST", self._url(path), headers=self._headers(), json={"advertiser_id": self.advertiser, **body}
        )
        return answer["data"]

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        query = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in params.items()}
        answer = self.http.request(
            "GET", self._url(path), headers=self._headers(), params={"advertiser_id": self.advertiser, **query}
        )
        return answer["data"]

    def create_level(self, level: str, spec: CampaignSpec, ids: dict[str, str]) -> str:
        name = spec.level_name(level)
        if level == "campaign":
            body: dict[str, Any] = {
                "campaign_name": name,
                "objective_type": self.objectives[spec.objective],
                "budget_mode": "BUDGET_MODE_INFINITE",
                "operation_status": "DISABLE",
                "request_id": str(spec.request_key),
            }
            return self._post("campaign/create/", body)["campaign_id"]
        if level == "adset":
            goal, billing = self.optimization_goals[spec.objective]
            body = {
                "campaign_id": ids["campaign"],
                "adgroup_name": name,
                "promotion_type": "WEBSITE",
                "placement_type": "PLACEMENT_TYPE_AUTOMATIC",
                "location_ids": [LOCATION_IDS.get(c, US_LOCATION_ID) for c in spec.countries],
                "budget_mode": "BUDGET_MODE_DAY",
                "budget": float(minor_to_major(spec.daily_budget_minor, spec.currency)),
                "schedule_type": "SCHEDULE_FROM_NOW" if spec.end_at is None else "SCHEDULE_START_END",
                "schedule_start_time": timezone.now().astimezone(dt.UTC).strftime(TIME_FORMAT),
                "optimization_goal": goal,
                "billing_event": billing,
                "bid_type": "BID_TYPE_NO_BID",
                "pacing": "PACING_MODE_SMOOTH",
                "operation_status": "ENABLE",
                "request_id": str(spec.request_key + 1),
            }
            if spec.end_at is not None:
                body["schedule_end_time"] = spec.end_at.astimezone(dt.UTC).strftime(TIME_FORMAT)
            if spec.objective == SALES:
                body |= {"pixel_id": spec.pixel_id, "optimization_event": "SHOPPING"}
            return self._post("adgroup/create/", body)["adgroup_id"]
        creative = {
            "ad_name": name,
            "ad_format": "SINGLE_VIDEO",
            "video_id": spec.video_id,
            "ad_text": spec.primary_text[:100],
            "call_to_action": "SHOP_NOW",
            "landing_page_url": spec.landing_url,
            "display_name": spec.display_name,
            "identity_type": "CUSTOMIZED_USER",
            "operation_status": "ENABLE",
        }
        return self._post("ad/create/", {"adgroup_id": ids["adset"], "creatives": [creative]})["ad_ids"][0]

    def find_level(self, level: str, spec: CampaignSpec, ids: dict[str, str]) -> str | None:
        name = spec.level_name(level)
        if level == "campaign":
            rows = self._get("campaign/get/", {"filtering": {"campaign_name": name}})["list"]
            return next((r["campaign_id"] for r in rows if r["campaign_name"] == name), None)
        if level == "adset":
            filtering = {"campaign_ids": [ids["campaign"]], "adgroup_name": name}
            rows = self._get("adgroup/get/", {"filtering": filtering})["list"]
            return next((r["adgroup_id"] for r in rows if r["adgroup_name"] == name), None)
        rows = self._get("ad/get/", {"filtering": {"adgroup_ids": [ids["adset"]], "ad_name": name}})["list"]
        return next((r["ad_id"] for r in rows if r["ad_name"] == name), None)

    def set_active(self, ids: dict[str, str], *, active: bool) -> None:
        body = {"campaign_ids": [ids["campaign"]], "operation_status": "ENABLE" if active else "DISABLE"}
        self._post("campaign/status/update/", body)

    def set_daily_budget(self, ids: dict[str, str], daily_budget_minor: int, *, currency: str) -> None:
        budget = float(minor_to_major(daily_budget_minor, currency))
        self._post("adgroup/update/", {"adgroup_id": ids["adset"], "budget": budget})

    def archive(self, ids: dict[str, str]) -> None:
        self._post("campaign/status/update/", {"campaign_ids": [ids["campaign"]], "operation_status": "DELETE"})

    def daily_insights(
        self, campaign_ids: list[str], since: dt.date, until: dt.date, *, currency: str
    ) -> list[DailyInsight]:
        if not campaign_ids:
            return []
        params: dict[str, Any] = {
            "report_type": "BASIC",
            "data_level": "AUCTION_CAMPAIGN",
            "dimensions": ["campaign_id", "stat_time_day"],
            "metrics": ["spend", "impressions", "clicks", "complete_payment", "value_per_complete_payment"],
            "start_date": since.isoformat(),
            "end_date": until.isoformat(),
            "filtering": [
                {"field_name": "campaign_ids", "filter_type": "IN", "filter_value": json.dumps(list(campaign_ids))}
            ],
            "page_size": REPORT_PAGE_SIZE,
        }
        out: list[DailyInsight] = []
        page = 1
        while True:
            data = self._get("report/integrated/get/", {**params, "page": page})
            for row in data.get("list") or []:
                metrics, dims = row["metrics"], row["dimensions"]
                purchases = int(float(metrics.get("complete_payment") or 0))
                value = major_to_minor(metrics.get("value_per_complete_payment"), currency) * purchases
                out.append(
                    DailyInsight(
                        campaign_id=str(dims["campaign_id"]),
                        date=dt.date.fromisoformat(dims["stat_time_day"][:10]),
                        spend_minor=major_to_minor(metrics.get("spend"), currency),
                        impressions=int(metrics.get("impressions") or 0),
                        clicks=int(metrics.get("clicks") or 0),
                        purchases=purchases,
                        purchase_value_minor=value,
                    )
                )
            if page >= int((data.get("page_info") or {}).get("total_page") or 1):
                return out
            page += 1
