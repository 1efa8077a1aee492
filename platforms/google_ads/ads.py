"""Google Ads API (REST) client: campaign budget → campaign → ad group → responsive search ad through mutates,
status and budget updates, daily metrics through GAQL. Money in micros of the account currency (a million to the
unit: a cent is 10 000 micros, a yen 1 000 000).

Docs: https://developers.google.com/google-ads/api/rest/reference/rest/v25/customers.campaignBudgets/mutate,
https://developers.google.com/google-ads/api/rest/reference/rest/v25/customers.campaigns/mutate,
https://developers.google.com/google-ads/api/rest/reference/rest/v25/customers.adGroups/mutate,
https://developers.google.com/google-ads/api/rest/reference/rest/v25/customers.adGroupAds/mutate,
https://developers.google.com/google-ads/api/rest/reference/rest/v25/customers.googleAds/search,
https://developers.google.com/google-ads/api/docs/best-practices/error-types.
Every call carries ``developer-token`` (settings.GOOGLE_ADS_DEVELOPER_TOKEN) and ``login-customer-id``. Mutates
have no idempotency key: names are unique per customer, and each level is looked up by name before a retry.
"""

import datetime as dt
import re
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings

from platforms.ads_common import AWARENESS, SALES, TRAFFIC, CampaignSpec, DailyInsight, major_to_minor
from platforms.base import platform_url
from platforms.constants import GOOGLE_ADS, micros_per_minor
from platforms.google_ads.http import GoogleAdsHttp

API = "https://googleads.googleapis.com"
API_VERSION = "v25"
HEADLINE_MAX = 30
DESCRIPTION_MAX = 90


def end_date_time(end_at: dt.datetime, zone: str) -> str:
    """A campaign end as Google takes it: the last second of the last serving day, in the account's time zone
    (``yyyy-mm-dd hh:mm:ss``; search campaigns end at the end of a day)."""
    last_day = (end_at - dt.timedelta(seconds=1)).astimezone(zoneinfo.ZoneInfo(zone)).date()
    return f"{last_day.isoformat()} 23:59:59"


def _micros_to_minor(micros: str | int | None, currency: str) -> int:
    """Reported micros in minor units of ``currency``, rounded half up (a cost is rarely a whole minor unit)."""
    per_minor = Decimal(micros_per_minor(currency))
    return int((Decimal(str(micros or 0)) / per_minor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _gaql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _id_of(resource_name: str) -> str:
    return re.split(r"[/~]", resource_name)[-1]


class GoogleAdsClient:
    slug = GOOGLE_ADS
    levels = ("budget", "campaign", "adset", "ad")
    min_daily_budget_minor = 100
    objectives = {SALES: "maximizeConversionValue", TRAFFIC: "manualCpc"}
    unsupported = {AWARENESS: "Google Ads search campaigns here are for sales or traffic."}

    def __init__(
        self, *, access_token: str, account_id: str, login_customer_id: str = "", http: GoogleAdsHttp | None = None
    ) -> None:
        self.token = access_token
        self.customer = account_id.replace("-", "")
        self.login_customer = (login_customer_id or self.customer).replace("-", "")
        self.http = http or GoogleAdsHttp()

    def _url(self, path: str) -> str:
        return platform_url(slug=self.slug, live_base=API, path=f"{API_VERSION}/customers/{self.customer}/{path}")

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "developer-token": settings.GOOGLE_ADS_DEVELOPER_TOKEN,
            "login-customer-id": self.login_customer,
        }

    def _mutate(self, resource: str, operation: dict[str, Any]) -> str:
        body = {"operations": [operation], "partialFailure": False, "validateOnly": False}
        answer = self.http.request("POST", self._url(f"{resource}:mutate"), headers=self._headers(), json=body)
        return answer["results"][0]["resourceName"]

    def search(self, query: str) -> list[dict[str, Any]]:
        """All rows of a GAQL query, following ``nextPageToken``."""
        rows: list[dict[str, Any]] = []
        body: dict[str, Any] = {"query": query}
        while True:
            # A search is a read sent as POST: its failures never leave anything behind.
            answer = self.http.request(
                "POST", self._url("googleAds:search"), headers=self._headers(), json=body, idempotent=True
            )
            rows.extend(answer.get("results") or [])
            token = answer.get("nextPageToken")
            if not token:
                return rows
            body["pageToken"] = token

    def _rn(self, kind: str, object_id: str) -> str:
        return f"customers/{self.customer}/{kind}/{object_id}"

    def create_level(self, level: str, spec: CampaignSpec, ids: dict[str, str]) -> str:
        name = spec.level_name(level)
        if level == "budget":
            create: dict[str, Any] = {
                "name": name,
                "amountMicros": str(spec.daily_budget_minor * micros_per_minor(spec.currency)),
                "deliveryMethod": "STANDARD",
                "explicitlyShared": False,
            }
            return _id_of(self._mutate("campaignBudgets", {"create": create}))
        if level == "campaign":
            create = {
                "name": name,
                "advertisingChannelType": "SEARCH",
                "status": "PAUSED",
                "campaignBudget": self._rn("campaignBudgets", ids["budget"]),
                self.objectives[spec.objective]: {},
                "networkSettings": {
                    "targetGoogleSearch": True,
                    "targetSearchNetwork": True,
                    "targetContentNetwork": False,
                    "targetPartnerSearchNetwork": False,
                },
                "containsEuPoliticalAdvertising": "DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING",
            }
            if spec.end_at is not None:
                create["endDateTime"] = end_date_time(spec.end_at, spec.timezone)
            return _id_of(self._mutate("campaigns", {"create": create}))
        if level == "adset":
            create = {
                "name": name,
                "campaign": self._rn("campaigns", ids["campaign"]),
                "status": "ENABLED",
                "type": "SEARCH_STANDARD",
                "cpcBidMicros": "1000000",
            }
            return _id_of(self._mutate("adGroups", {"create": create}))
        create = {
            "adGroup": self._rn("adGroups", ids["adset"]),
            "status": "ENABLED",
            "ad": {
                "name": name,
                "finalUrls": [spec.landing_url],
                "responsiveSearchAd": {
                    "headlines": [{"text": h[:HEADLINE_MAX]} for h in spec.headlines],
                    "descriptions": [{"text": d[:DESCRIPTION_MAX]} for d in spec.descriptions],
                },
            },
        }
        return _id_of(self._mutate("adGroupAds", {"create": create}))

    def find_level(self, level: str, spec: CampaignSpec, ids: dict[str, str]) -> str | None:
        # GAQL, not SQL: the name is quoted and escaped by _gaql_string, the ad group id is a number.
        name = _gaql_string(spec.level_name(level))
        query = {
            "budget": f"SELECT campaign_budget.id FROM campaign_budget WHERE campaign_budget.name = {name}",  # noqa: S608
            "campaign": "SELECT campaign.id FROM campaign "  # noqa: S608
            f"WHERE campaign.name = {name} AND campaign.status != 'REMOVED'",
            "adset": f"SELECT ad_group.id FROM ad_group WHERE ad_group.name = {name}",  # noqa: S608
            "ad": "SELECT ad_group_ad.ad.id FROM ad_group_ad "  # noqa: S608
            f"WHERE ad_group.id = {int(ids.get('adset') or 0)}",
        }[level]
        rows = self.search(query)
        if not rows:
            return None
        row = rows[0]
        return {
            "budget": lambda: row["campaignBudget"]["id"],
            "campaign": lambda: row["campaign"]["id"],
            "adset": lambda: row["adGroup"]["id"],
            "ad": lambda: row["adGroupAd"]["ad"]["id"],
        }[level]()

    def set_active(self, ids: dict[str, str], *, active: bool) -> None:
        update = {"resourceName": self._rn("campaigns", ids["campaign"]), "status": "ENABLED" if active else "PAUSED"}
        self._mutate("campaigns", {"update": update, "updateMask": "status"})

    def set_daily_budget(self, ids: dict[str, str], daily_budget_minor: int, *, currency: str) -> None:
        update = {
            "resourceName": self._rn("campaignBudgets", ids["budget"]),
            "amountMicros": str(daily_budget_minor * micros_per_minor(currency)),
        }
        self._mutate("campaignBudgets", {"update": update, "updateMask": "amountMicros"})

    def archive(self, ids: dict[str, str]) -> None:
        self._mutate("campaigns", {"remove": self._rn("campaigns", ids["campaign"])})

    def daily_insights(
        self, campaign_ids: list[str], since: dt.date, until: dt.date, *, currency: str
    ) -> list[DailyInsight]:
        if not campaign_ids:
            return []
        id_list = ", ".join(str(int(cid)) for cid in campaign_ids)
        query = (
            "SELECT campaign.id, segments.date, metrics.cost_micros, metrics.impressions, metrics.clicks, "  # noqa: S608
            "metrics.conversions, metrics.conversions_value FROM campaign "
            f"WHERE campaign.id IN ({id_list}) "
            f"AND segments.date BETWEEN '{since.isoformat()}' AND '{until.isoformat()}'"
        )
        out = []
        for row in self.search(query):
            metrics = row.get("metrics") or {}
            out.append(
                DailyInsight(
                    campaign_id=str(row["campaign"]["id"]),
                    date=dt.date.fromisoformat(row["segments"]["date"]),
                    spend_minor=_micros_to_minor(metrics.get("costMicros"), currency),
                    impressions=int(metrics.get("impressions") or 0),
                    clicks=int(metrics.get("clicks") or 0),
                    purchases=round(float(metrics.get("conversions") or 0)),
                    purchase_value_minor=major_to_minor(metrics.get("conversionsValue") or 0, currency),
                )
            )
        return out
