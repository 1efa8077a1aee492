"""Google OAuth 2.0 for the Google Ads API: offline access with ``prompt=consent`` so every consent yields a
refresh token; PKCE S256; refresh tokens are not rotated. The person is read from OpenID Connect userinfo, the
customers they may manage from ``customers:listAccessibleCustomers``.

Docs: https://developers.google.com/identity/protocols/oauth2/web-server (authorize, token, refresh, revoke),
https://developers.google.com/identity/openid-connect/openid-connect#obtaininguserprofileinformation (userinfo),
https://developers.google.com/google-ads/api/rest/reference/rest/v25/customers/listAccessibleCustomers.
"""

from django.conf import settings

from platforms.constants import GOOGLE_ADS
from platforms.oauth import AccountInfo, AdAccountInfo, OAuthPlatform, TokenSet

ACCOUNTS = "https://accounts.google.com"
OAUTH2 = "https://oauth2.googleapis.com"
OIDC = "https://openidconnect.googleapis.com"
ADS = "https://googleads.googleapis.com"
ADS_VERSION = "v25"


def format_customer_id(customer_id: str) -> str:
    """1234567890 → 123-456-7890, the way Google Ads shows it."""
    return f"{customer_id[:3]}-{customer_id[3:6]}-{customer_id[6:]}" if len(customer_id) == 10 else customer_id


class GoogleAdsOAuth(OAuthPlatform):
    slug = GOOGLE_ADS
    kind = "ads"
    docs = "https://developers.google.com/identity/protocols/oauth2/web-server"
    authorize_endpoint = (ACCOUNTS, "o/oauth2/v2/auth")
    token_endpoint = (OAUTH2, "token")
    revoke_endpoint = (OAUTH2, "revoke")
    account_endpoint = (OIDC, "v1/userinfo")
    customers_endpoint = (ADS, f"{ADS_VERSION}/customers:listAccessibleCustomers")
    scopes = ("https://www.googleapis.com/auth/adwords", "openid", "email")
    pkce = True
    extra_authorize_params = {"access_type": "offline", "prompt": "consent"}

    def revoke(self, *, access_token: str, refresh_token: str = "") -> None:
        # Google takes the token in the query; revoking the refresh token ends the whole grant.
        self.http.request("POST", self.url(self.revoke_endpoint), params={"token": refresh_token or access_token})

    def fetch_account(self, *, access_token: str, token: TokenSet | None = None) -> AccountInfo:
        body = self.http.request(
            "GET", self.url(self.account_endpoint), headers={"Authorization": f"Bearer {access_token}"}
        )
        return AccountInfo(id=str(body["sub"]), name=body.get("email") or body.get("name") or str(body["sub"]))

    def list_ad_accounts(self, *, access_token: str) -> list[AdAccountInfo]:
        body = self.http.request(
            "GET",
            self.url(self.customers_endpoint),
            headers={"Authorization": f"Bearer {access_token}", "developer-token": settings.GOOGLE_ADS_DEVELOPER_TOKEN},
        )
        ids = [name.rsplit("/", 1)[-1] for name in body.get("resourceNames", [])]
        return [AdAccountInfo(id=cid, name=f"Customer {format_customer_id(cid)}") for cid in ids]
