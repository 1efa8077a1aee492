"""TikTok Business (Marketing) API advertiser authorization. Not RFC 6749: the consent returns ``auth_code``,
the exchange is a JSON POST of ``app_id``, ``secret`` and ``auth_code`` answered in the ``{code, data}``
envelope with the advertiser ids granted, and the token never expires (revoke only). The advertiser list names
ids only; names and currencies come from ``advertiser/info``.

Docs: https://business-api.tiktok.com/portal/docs?id=1738373164380162 (authorization),
https://business-api.tiktok.com/portal/docs?id=1739965703387137 (access token),
https://business-api.tiktok.com/portal/docs?id=1738455508553729 (advertiser/get),
https://business-api.tiktok.com/portal/docs?id=1739593083610113 (advertiser/info),
https://business-api.tiktok.com/portal/docs?id=1740059052012546 (revoke_token),
https://business-api.tiktok.com/portal/docs?id=1739665513574402 (user/info).
"""

import json
from typing import Any
from urllib.parse import urlencode

from platforms.constants import TIKTOK_ADS
from platforms.oauth import AccountInfo, AdAccountInfo, OAuthPlatform, TokenSet
from platforms.tiktok_ads.http import TikTokAdsHttp

PORTAL = "https://business-api.tiktok.com"
API = "https://business-api.tiktok.com"
ADVERTISER_INFO_FIELDS = ("advertiser_id", "name", "currency", "timezone")
ADVERTISER_INFO_BATCH = 100  # advertiser/info takes at most 100 ids per call


class TikTokAdsOAuth(OAuthPlatform):
    slug = TIKTOK_ADS
    kind = "ads"
    docs = "https://business-api.tiktok.com/portal/docs?id=1738373164380162"
    authorize_endpoint = (PORTAL, "portal/auth")
    token_endpoint = (API, "open_api/v1.3/oauth2/access_token/")
    revoke_endpoint = (API, "open_api/v1.3/oauth2/revoke_token/")
    account_endpoint = (API, "open_api/v1.3/user/info/")
    advertisers_endpoint = (API, "open_api/v1.3/oauth2/advertiser/get/")
    advertiser_info_endpoint = (API, "open_api/v1.3/advertiser/info/")
    refreshable = False  # the advertiser token does not expire
    code_param = "auth_code"
    http_class = TikTokAdsHttp

    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str = "") -> str:
        # Scopes are chosen on the app, not per request; no PKCE.
        query = urlencode({"app_id": self.client_id, "state": state, "redirect_uri": redirect_uri})
        return f"{self.url(self.authorize_endpoint)}?{query}"

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> TokenSet:
        body = self.http.request(
            "POST",
            self.url(self.token_endpoint),
            json={"app_id": self.client_id, "secret": self.client_secret, "auth_code": code},
        )
        data = body["data"]
        return TokenSet(
            access_token=str(data["access_token"]),
            scopes=tuple(str(s) for s in data.get("scope") or ()),
            extra={"advertiser_ids": [str(a) for a in data.get("advertiser_ids") or []]},
        )

    def revoke(self, *, access_token: str, refresh_token: str = "") -> None:
        self.http.request(
            "POST",
            self.url(self.revoke_endpoint),
            json={"app_id": self.client_id, "secret": self.client_secret, "access_token": access_token},
            headers={"Access-Token": access_token},
        )

    def fetch_account(self, *, access_token: str, token: TokenSet | None = None) -> AccountInfo:
        body = self.http.request("GET", self.url(self.account_endpoint), headers={"Access-Token": access_token})
        data = body["data"]
        return AccountInfo(id=str(data["core_user_id"]), name=data.get("display_name") or data.get("email") or "")

    def list_ad_accounts(self, *, access_token: str) -> list[AdAccountInfo]:
        body = self.http.request(
            "GET",
            self.url(self.advertisers_endpoint),
            params={"app_id": self.client_id, "secret": self.client_secret},
            headers={"Access-Token": access_token},
        )
        names = {str(row["advertiser_id"]): row.get("advertiser_name", "") for row in body["data"].get("list", [])}
        info = self.advertiser_info(access_token=access_token, advertiser_ids=list(names))
        return [
            AdAccountInfo(
                id=advertiser_id,
                name=info.get(advertiser_id, {}).get("name") or name,
                currency=info.get(advertiser_id, {}).get("currency") or "",
            )
            for advertiser_id, name in names.items()
        ]

    def advertiser_info(self, *, access_token: str, advertiser_ids: list[str]) -> dict[str, dict[str, Any]]:
        """``advertiser/info`` rows by advertiser id; GET array parameters go JSON-encoded in the query."""
        rows: dict[str, dict[str, Any]] = {}
        for start in range(0, len(advertiser_ids), ADVERTISER_INFO_BATCH):
            body = self.http.request(
                "GET",
                self.url(self.advertiser_info_endpoint),
                params={
                    "advertiser_ids": json.dumps(advertiser_ids[start : start + ADVERTISER_INFO_BATCH]),
                    "fields": json.dumps(list(ADVERTISER_INFO_FIELDS)),
                },
                headers={"Access-Token": access_token},
            )
            rows |= {str(row["advertiser_id"]): row for row in body["data"].get("list", [])}
        return rows
