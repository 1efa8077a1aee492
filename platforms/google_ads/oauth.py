"""Google OAuth 2.0 for the Google Ads API: offline access with ``prompt=consent`` so every consent yields a
refresh token; PKCE S256; refresh tokens are not rotated. The person is read from OpenID Connect userinfo, the
customers they may manage from ``customers:listAccessibleCustomers``. That list holds resource names only, so each
customer's name and currency come from a GAQL query ``FROM customer`` run as that customer.

Docs: https://developers.google.com/identity/protocols/oauth2/web-server (authorize, token, refresh, revoke),
https://developers.google.com/identity/openid-connect/openid-connect#obtaininguserprofileinformation (userinfo),
https://developers.google.com/google-ads/api/rest/reference/rest/v25/customers/listAccessibleCustomers,
https://developers.google.com/google-ads/api/fields/v25/customer (the ``customer`` resource's fields).
"""

from django.conf import settings

from platforms.constants import GOOGLE_ADS
from platforms.google_ads.http import GoogleAdsHttp
from platforms.oauth import AccountInfo, AdAccountInfo, OAuthPlatform, TokenSet

ACCOUNTS = "https://accounts.google.com"
OAUTH2 = "https://oauth2.googleapis.com"
OIDC = "https://openidconnect.googleapis.com"
ADS = "https://googleads.googleapis.com"
ADS_VERSION = "v25"
CUSTOMER_QUERY = (
    "SELECT customer.id, customer.descriptive_name, customer.currency_code, customer.time_zone FROM customer"
)


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
    http_class = GoogleAdsHttp

    def revoke(self, *, access_token: str, refresh_token: str = "") -> None:
        # The token goes in the form body (Google takes it there or in the query; a URL ends up in logs).
        # Revoking the refresh token ends the whole grant.
        self.http.request("POST", self.url(self.revoke_endpoint), data={"token": refresh_token or access_token})

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
        return [self.customer_info(access_token=access_token, customer_id=cid) for cid in ids]

    def customer_info(self, *, access_token: str, customer_id: str) -> AdAccountInfo:
        """Name and currency of one accessible customer, queried as that customer (its own login-customer-id)."""
        body = self.http.request(
            "POST",
            self.url((ADS, f"{ADS_VERSION}/customers/{customer_id}/googleAds:search")),
            headers={
                "Authorization": f"Bearer {access_token}",
                "developer-token": settings.GOOGLE_ADS_DEVELOPER_TOKEN,
                "login-customer-id": customer_id,
            },
            json={"query": CUSTOMER_QUERY},
        )
        customer = next(iter(body.get("results") or []), {}).get("customer", {})
        return AdAccountInfo(
            id=customer_id,
            # An account never named in Google Ads has an empty descriptive name; show its id the way Google does.
            name=customer.get("descriptiveName") or f"Customer {format_customer_id(customer_id)}",
            currency=customer.get("currencyCode", ""),
        )
