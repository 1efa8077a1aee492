"""Pinterest API v5 OAuth: client authentication by HTTP Basic, continuous refresh (rotating refresh tokens).

Docs: https://developers.pinterest.com/docs/getting-started/authentication-and-scopes/ (authorize, token),
https://developers.pinterest.com/docs/api/v5/oauth-token (token, refresh),
https://developers.pinterest.com/docs/api/v5/oauth-token_revoke (revoke),
https://developers.pinterest.com/docs/api/v5/user_account-get (account).
"""

from platforms.constants import PINTEREST
from platforms.oauth import AccountInfo, OAuthPlatform, TokenSet
from platforms.pinterest.http import PinterestHttp

WEB = "https://www.pinterest.com"
API = "https://api.pinterest.com"


class PinterestOAuth(OAuthPlatform):
    slug = PINTEREST
    kind = "social"
    docs = "https://developers.pinterest.com/docs/getting-started/authentication-and-scopes/"
    authorize_endpoint = (WEB, "oauth/")
    token_endpoint = (API, "v5/oauth/token")
    revoke_endpoint = (API, "v5/oauth/token/revoke")
    account_endpoint = (API, "v5/user_account")
    scopes = ("boards:read", "boards:write", "pins:read", "pins:write", "user_accounts:read")
    scope_separator = ","
    token_auth_method = "client_secret_basic"
    http_class = PinterestHttp

    def fetch_account(self, *, access_token: str, token: TokenSet | None = None) -> AccountInfo:
        body = self.http.request(
            "GET", self.url(self.account_endpoint), headers={"Authorization": f"Bearer {access_token}"}
        )
        return AccountInfo(
            id=str(body.get("id") or body["username"]), name=body.get("business_name") or body["username"]
        )
