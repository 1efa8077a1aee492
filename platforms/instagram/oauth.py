"""Instagram API with Instagram Login: short-lived code exchange, then a 60-day long-lived token that refreshes
itself (no refresh token). There is no revoke endpoint for these tokens; the user removes the app instead.

Docs: https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login
(authorize, code exchange), https://developers.facebook.com/docs/instagram-platform/reference/access_token
(long-lived), https://developers.facebook.com/docs/instagram-platform/reference/refresh_access_token (refresh),
https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/get-started (/me).

Tokens never travel in a URL (URLs end up in access logs and proxies): the code exchange is a POST form, and the
graph.instagram.com reads carry the token in ``Authorization: Bearer``, which the Graph API accepts on any call in
place of the ``access_token`` query parameter. The long-lived exchange is documented only as a GET, so the app
secret stays a query parameter there (the one secret in a URL; our access log redacts it, see
``growthhub.gunicorn_logging``).
"""

from typing import Any

from platforms.constants import INSTAGRAM
from platforms.instagram.http import InstagramHttp
from platforms.oauth import AccountInfo, OAuthPlatform, TokenSet

WEB = "https://www.instagram.com"
API = "https://api.instagram.com"
GRAPH = "https://graph.instagram.com"
GRAPH_VERSION = "v25.0"


def _bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


class InstagramOAuth(OAuthPlatform):
    slug = INSTAGRAM
    kind = "social"
    docs = "https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login"
    authorize_endpoint = (WEB, "oauth/authorize")
    token_endpoint = (API, "oauth/access_token")
    long_lived_endpoint = (GRAPH, "access_token")
    refresh_endpoint = (GRAPH, "refresh_access_token")
    account_endpoint = (GRAPH, f"{GRAPH_VERSION}/me")
    scopes = (
        "instagram_business_basic",
        "instagram_business_content_publish",
        "instagram_business_manage_insights",
    )
    scope_separator = ","
    http_class = InstagramHttp

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> TokenSet:
        # The redirect appends "#_" to the code.
        short = super().exchange_code(code=code.removesuffix("#_"), redirect_uri=redirect_uri)
        body = self.http.request(
            "GET",
            self.url(self.long_lived_endpoint),
            headers=_bearer(short.access_token),
            params={"grant_type": "ig_exchange_token", "client_secret": self.client_secret},
        )
        return self._long_lived(body, short)

    def token_set(self, token: dict[str, Any]) -> TokenSet:
        # Some answers wrap the token in ``data[]``; permissions arrive as a list or a comma-joined string.
        if isinstance(token.get("data"), list) and token["data"]:
            token = {**token["data"][0]}
        permissions = token.get("permissions")
        if permissions and "scope" not in token:
            token = {**token, "scope": permissions if isinstance(permissions, str) else " ".join(permissions)}
        return super().token_set(token)

    def _long_lived(self, body: dict[str, Any], previous: TokenSet) -> TokenSet:
        return TokenSet(
            access_token=str(body["access_token"]),
            expires_in=int(body["expires_in"]) if body.get("expires_in") else None,
            scopes=previous.scopes,
            extra={**previous.extra, "token_type": body.get("token_type", "bearer")},
        )

    def refresh(self, *, access_token: str, refresh_token: str = "") -> TokenSet:
        """A long-lived token renews itself (it must be unexpired; the platform wants it at least a day old)."""
        body = self.http.request(
            "GET",
            self.url(self.refresh_endpoint),
            headers=_bearer(access_token),
            params={"grant_type": "ig_refresh_token"},
        )
        return self._long_lived(body, TokenSet(access_token=access_token, scopes=self.scopes))

    def fetch_account(self, *, access_token: str, token: TokenSet | None = None) -> AccountInfo:
        body = self.http.request(
            "GET", self.url(self.account_endpoint), headers=_bearer(access_token), params={"fields": "user_id,username"}
        )
        return AccountInfo(id=str(body.get("user_id") or body["id"]), name=body.get("username") or "")
