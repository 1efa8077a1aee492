"""OAuth paths of the seven platforms, each under its slug with the platform's real path below it.

Real hosts → sandbox: www.tiktok.com/v2/auth/authorize/ and open.tiktokapis.com/v2/oauth/... → /sandbox/tiktok/...;
www.instagram.com/oauth/authorize, api.instagram.com/oauth/access_token and graph.instagram.com/... →
/sandbox/instagram/...; www.pinterest.com/oauth/ and api.pinterest.com/v5/... → /sandbox/pinterest/...;
x.com/i/oauth2/authorize and api.x.com/2/... → /sandbox/x/...; www.facebook.com/vNN.0/dialog/oauth and
graph.facebook.com/vNN.0/... → /sandbox/meta_ads/vNN.0/...; accounts.google.com/o/oauth2/v2/auth,
oauth2.googleapis.com/{token,revoke}, openidconnect.googleapis.com/v1/userinfo and googleads.googleapis.com/vNN/...
→ /sandbox/google_ads/...; business-api.tiktok.com/portal/auth and /open_api/v1.3/... → /sandbox/tiktok_ads/....
"""

from django.urls import path, re_path

from platforms.constants import GOOGLE_ADS, INSTAGRAM, META_ADS, PINTEREST, TIKTOK, TIKTOK_ADS, X
from sandbox.oauth import consent, tokens, views

GRAPH = r"^meta_ads/(?P<version>v\d+\.0)/"
TT_ADS = "tiktok_ads/open_api/v1.3/"

urlpatterns = [
    # Consent pages
    path("tiktok/v2/auth/authorize/", consent.consent, {"platform": TIKTOK}, name="tiktok_authorize"),
    path("instagram/oauth/authorize", consent.consent, {"platform": INSTAGRAM}, name="instagram_authorize"),
    path("pinterest/oauth/", consent.consent, {"platform": PINTEREST}, name="pinterest_authorize"),
    path("x/i/oauth2/authorize", consent.consent, {"platform": X}, name="x_authorize"),
    re_path(GRAPH + r"dialog/oauth/?$", consent.consent, {"platform": META_ADS}, name="meta_ads_authorize"),
    path("google_ads/o/oauth2/v2/auth", consent.consent, {"platform": GOOGLE_ADS}, name="google_ads_authorize"),
    path("tiktok_ads/portal/auth", consent.consent, {"platform": TIKTOK_ADS}, name="tiktok_ads_authorize"),
    # Token endpoints
    path("tiktok/v2/oauth/token/", tokens.token_view(TIKTOK), name="tiktok_token"),
    path("instagram/oauth/access_token", tokens.token_view(INSTAGRAM), name="instagram_token"),
    path("instagram/access_token", tokens.instagram_long_lived, name="instagram_long_lived"),
    path("instagram/refresh_access_token", tokens.instagram_refresh, name="instagram_refresh"),
    path("pinterest/v5/oauth/token", tokens.token_view(PINTEREST), name="pinterest_token"),
    path("x/2/oauth2/token", tokens.token_view(X), name="x_token"),
    re_path(GRAPH + r"oauth/access_token/?$", tokens.meta_token, name="meta_ads_token"),
    path("google_ads/token", tokens.token_view(GOOGLE_ADS), name="google_ads_token"),
    path("google_ads/o/oauth2/token", tokens.token_view(GOOGLE_ADS), name="google_ads_token_legacy"),
    path(TT_ADS + "oauth2/access_token/", tokens.tiktok_ads_token, name="tiktok_ads_token"),
    # Revocation
    path("tiktok/v2/oauth/revoke/", tokens.revoke_view(TIKTOK), name="tiktok_revoke"),
    path("pinterest/v5/oauth/token/revoke", tokens.revoke_view(PINTEREST), name="pinterest_revoke"),
    path("x/2/oauth2/revoke", tokens.revoke_view(X), name="x_revoke"),
    path("google_ads/revoke", tokens.revoke_view(GOOGLE_ADS), name="google_ads_revoke"),
    re_path(GRAPH + r"me/permissions/?$", views.meta_permissions, name="meta_ads_permissions"),
    path(TT_ADS + "oauth2/revoke_token/", tokens.tiktok_ads_revoke, name="tiktok_ads_revoke"),
    # Who connected, and which ad accounts they manage
    path("tiktok/v2/user/info/", views.tiktok_user_info, name="tiktok_user_info"),
    re_path(r"^instagram/(?P<version>v\d+\.0)/me/?$", views.instagram_me, name="instagram_me"),
    path("instagram/me", views.instagram_me, name="instagram_me_unversioned"),
    path("pinterest/v5/user_account", views.pinterest_user_account, name="pinterest_user_account"),
    path("x/2/users/me", views.x_users_me, name="x_users_me"),
    re_path(GRAPH + r"me/?$", views.meta_me, name="meta_ads_me"),
    re_path(GRAPH + r"me/adaccounts/?$", views.meta_adaccounts, name="meta_ads_adaccounts"),
    path("google_ads/v1/userinfo", views.google_userinfo, name="google_ads_userinfo"),
    re_path(
        r"^google_ads/(?P<version>v\d+)/customers:listAccessibleCustomers$",
        views.google_list_accessible_customers,
        name="google_ads_list_accessible_customers",
    ),
    path(TT_ADS + "user/info/", views.tiktok_ads_user_info, name="tiktok_ads_user_info"),
    path(TT_ADS + "oauth2/advertiser/get/", views.tiktok_ads_advertisers, name="tiktok_ads_advertisers"),
    path(TT_ADS + "advertiser/info/", views.tiktok_ads_advertiser_info, name="tiktok_ads_advertiser_info"),
]
