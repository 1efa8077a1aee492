"""X API v2 OAuth 2.0: authorization code with mandatory PKCE, confidential client by HTTP Basic, rotating
refresh tokens when ``offline.access`` is granted.

Docs: https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code (authorize, token, revoke),
https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token (refresh),
https://docs.x.com/x-api/users/user-lookup-me (account).
"""

from platforms.constants import X
from platforms.oauth import AccountInfo, OAuthPlatform, TokenSet
from platforms.x.http import XHttp

WEB = "https://x.com"
API = "https://api.x.com"


class XOAuth(OAuthPlatform):
    slug = X
    kind = "social"
    docs = "https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code"
    authorize_endpoint = (WEB, "i/oauth2/authorize")
    token_endpoint = (API, "2/oauth2/token")
    revoke_endpoint = (API, "2/oauth2/revoke")
    account_endpoint = (API, "2/users/me")
    scopes = ("tweet.read", "tweet.write", "users.read", "media.write", "offline.access")
    pkce = True
    token_auth_method = "client_secret_basic"
    http_class = XHttp

    def fetch_account(self, *, access_token: str, token: TokenSet | None = None) -> AccountInfo:
        body = self.http.request(
            "GET", self.url(self.account_endpoint), headers={"Authorization": f"Bearer {access_token}"}
        )
        user = body["data"]
        return AccountInfo(id=str(user["id"]), name=f"@{user['username']}" if user.get("username") else user["name"])
