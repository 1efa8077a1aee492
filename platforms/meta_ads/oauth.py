"""Meta (Facebook Login for the Marketing API): the code exchange and the long-lived token exchange; the long-lived
token (about 60 days) has no refresh token, so the merchant signs in again before it runs out.

No secret travels in a URL (URLs end up in access logs and proxies): the token endpoint is an OAuth 2.0 token
endpoint that takes its parameters (app secret, code, short-lived token) as a POST form body, and every other call
carries the token in ``Authorization: Bearer``, which the Graph API accepts on any call in place of the
``access_token`` parameter. Paging follows the ``after`` cursor rather than ``paging.next``, whose URL the Graph API
fills with the access token.

Docs: https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow (dialog, code exchange),
https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived (fb_exchange_token),
https://developers.facebook.com/docs/graph-api/reference/user/permissions/ (revoke: DELETE /me/permissions),
https://developers.facebook.com/docs/marketing-api/reference/user/adaccounts/ (ad accounts).
"""

from typing import Any

from platforms.constants import META_ADS
from platforms.meta_ads.http import MetaHttp
from platforms.oauth import AccountInfo, AdAccountInfo, OAuthPlatform, TokenSet

WEB = "https://www.facebook.com"
GRAPH = "https://graph.facebook.com"
GRAPH_VERSION = "v25.0"
MAX_AD_ACCOUNT_PAGES = 20


class MetaAdsOAuth(OAuthPlatform):
    slug = META_ADS
    kind = "ads"
    docs = "https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow"
    authorize_endpoint = (WEB, f"{GRAPH_VERSION}/dialog/oauth")
    token_endpoint = (GRAPH, f"{GRAPH_VERSION}/oauth/access_token")
    permissions_endpoint = (GRAPH, f"{GRAPH_VERSION}/me/permissions")
    account_endpoint = (GRAPH, f"{GRAPH_VERSION}/me")
    ad_accounts_endpoint = (GRAPH, f"{GRAPH_VERSION}/me/adaccounts")
    scopes = ("ads_management", "ads_read", "business_management")
    scope_separator = ","
    refreshable = False
    http_class = MetaHttp

    @property
    def can_revoke(self) -> bool:
        return True

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> TokenSet:
        """The code for a short-lived token, then that for a long-lived one (both POSTs with a form body)."""
        session = self.oauth_session(redirect_uri=redirect_uri)
        short = self.token_set(
            self._call("code exchange", session.fetch_token, self.url(self.token_endpoint), code=code)
        )
        body = self.http.request(
            "POST",
            self.url(self.token_endpoint),
            data={
                "grant_type": "fb_exchange_token",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "fb_exchange_token": short.access_token,
            },
        )
        return TokenSet(
            access_token=str(body["access_token"]),
            expires_in=int(body["expires_in"]) if body.get("expires_in") else None,
            scopes=short.scopes,
            extra={"token_type": body.get("token_type", "bearer")},
        )

    @staticmethod
    def _bearer(access_token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {access_token}"}

    def revoke(self, *, access_token: str, refresh_token: str = "") -> None:
        self.http.request("DELETE", self.url(self.permissions_endpoint), headers=self._bearer(access_token))

    def fetch_account(self, *, access_token: str, token: TokenSet | None = None) -> AccountInfo:
        body = self.http.request(
            "GET", self.url(self.account_endpoint), headers=self._bearer(access_token), params={"fields": "id,name"}
        )
        return AccountInfo(id=str(body["id"]), name=body.get("name") or str(body["id"]))

    def list_ad_accounts(self, *, access_token: str) -> list[AdAccountInfo]:
        """Every page of /me/adaccounts: the same request again with ``after`` until a page has no ``next``."""
        accounts: list[AdAccountInfo] = []
        params: dict[str, Any] = {"fields": "id,account_id,name,currency,account_status", "limit": 50}
        for _ in range(MAX_AD_ACCOUNT_PAGES):
            body = self.http.request(
                "GET", self.url(self.ad_accounts_endpoint), headers=self._bearer(access_token), params=params
            )
            accounts += [
                AdAccountInfo(id=row["id"], name=row.get("name", ""), currency=row.get("currency", ""))
                for row in body.get("data", [])
            ]
            paging = body.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not (paging.get("next") and after):
                break
            params = {**params, "after": after}
        return accounts
