"""The ad platforms' sandbox routes, under /sandbox/<slug>/ with each platform's own paths."""

from django.urls import re_path

from sandbox.ads import google, meta, tiktok

GRAPH = r"^meta_ads/v\d+\.0/"
TT = r"^tiktok_ads/open_api/v1\.3/"

urlpatterns = [
    re_path(
        GRAPH + r"act_(?P<account_id>\d+)/(?P<edge>campaigns|adsets|adcreatives|ads|insights)/?$",
        meta.account_edge,
        name="meta_ads_edge",
    ),
    re_path(GRAPH + r"(?P<node_id>\d+)/insights/?$", meta.node_insights, name="meta_ads_node_insights"),
    re_path(GRAPH + r"(?P<node_id>\d+)/?$", meta.node, name="meta_ads_node"),
    re_path(
        r"^google_ads/v\d+/customers/(?P<cid>\d+)/(?P<resource>campaignBudgets|campaigns|adGroups|adGroupAds):mutate$",
        google.mutate,
        name="google_ads_mutate",
    ),
    re_path(r"^google_ads/v\d+/customers/(?P<cid>\d+)/googleAds:search$", google.search, name="google_ads_search"),
    re_path(
        r"^google_ads/v\d+/customers/(?P<cid>\d+)/googleAds:searchStream$",
        google.search,
        {"stream": True},
        name="google_ads_search_stream",
    ),
    re_path(TT + r"campaign/create/?$", tiktok.campaign_create, name="tiktok_ads_campaign_create"),
    re_path(TT + r"campaign/get/?$", tiktok.campaign_get, name="tiktok_ads_campaign_get"),
    re_path(TT + r"campaign/update/?$", tiktok.campaign_update, name="tiktok_ads_campaign_update"),
    re_path(TT + r"campaign/status/update/?$", tiktok.campaign_status_update, name="tiktok_ads_campaign_status"),
    re_path(TT + r"adgroup/create/?$", tiktok.adgroup_create, name="tiktok_ads_adgroup_create"),
    re_path(TT + r"adgroup/get/?$", tiktok.adgroup_get, name="tiktok_ads_adgroup_get"),
    re_path(TT + r"adgroup/update/?$", tiktok.adgroup_update, name="tiktok_ads_adgroup_update"),
    re_path(TT + r"adgroup/status/update/?$", tiktok.adgroup_status_update, name="tiktok_ads_adgroup_status"),
    re_path(TT + r"ad/create/?$", tiktok.ad_create, name="tiktok_ads_ad_create"),
    re_path(TT + r"ad/get/?$", tiktok.ad_get, name="tiktok_ads_ad_get"),
    re_path(TT + r"ad/status/update/?$", tiktok.ad_status_update, name="tiktok_ads_ad_status"),
    re_path(TT + r"report/integrated/get/?$", tiktok.report_integrated, name="tiktok_ads_report"),
]
