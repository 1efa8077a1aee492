"""TikTok Login Kit (OAuth 2.0 with PKCE). The client is named ``client_key`` wherever RFC 6749 says ``client_id``.

Docs: https://developers.tiktok.com/doc/login-kit-web (authorize),
https://developers.tiktok.com/doc/oauth-user-access-token-management (token, refresh, revoke),
https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info (account).
"""

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from authlib.common.urls import add_params_to_qs
from authlib.integrations.requests_client import OAuth2Session

from platforms.constants import TIKTOK
from platforms.oauth import AccountInfo, OAuthPlatform, TokenSet
from platforms.tiktok.http import TikTokHttp

WEB = "https://www.tiktok.com"
API = "https://open.tiktokapis.com"


def _client_key_auth(client: Any, method: str, uri: str, headers: dict, body: str) -> tuple[str, dict, str]:
    """Client authentication in the body as ``client_key`` and ``client_secret``."""
    body = add_params_to_qs(body or "", [("client_key", client.client_id), ("client_secret", client.client_secret)])
    headers.pop("Content-Length", None)
    return uri, headers, body


class TikTokOAuth(OAuthPlatform):
    slug = TIKTOK
    kind = "social"
    docs = "https://developers.tiktok.com/doc/oauth-user-access-token-management"
    authorize_endpoint = (WEB, "v2/auth/authorize/")
    token_endpoint = (API, "v2/oauth/token/")
    revoke_endpoint = (API, "v2/oauth/revoke/")
    account_endpoint = (API, "v2/user/info/")
    scopes = ("user.info.basic", "video.publish", "video.upload", "video.list")
    scope_separator = ","
    pkce = True
    token_auth_method = "tiktok_client_key"
    http_class = TikTokHttp

    def oauth_session(self, *, redirect_uri: str | None = None) -> OAuth2Session:
        session = super().oauth_session(redirect_uri=redirect_uri)
        session.register_client_auth_method(("tiktok_client_key", _client_key_auth))
        return session

    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str = "") -> str:
        url = super().authorization_url(redirect_uri=redirect_uri, state=state, code_verifier=code_verifier)
        parts = urlsplit(url)
        query = [("client_key" if key == "client_id" else key, value) for key, value in parse_qsl(parts.query)]
        return urlunsplit(parts._replace(query=urlencode(query)))

    def fetch_account(self, *, access_token: str, token: TokenSet | None = None) -> AccountInfo:
        body = self.http.request(
            "GET",
            self.url(self.account_endpoint),
            params={"fields": "open_id,union_id,avatar_url,display_name"},
            headers={"Authorization": f"Bearer {access_token}"},
        )
        user = body["data"]["user"]
        return AccountInfo(id=str(user["open_id"]), name=user.get("display_name") or str(user["open_id"]))
