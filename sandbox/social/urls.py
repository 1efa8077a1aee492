"""Routes of the organic platforms under /sandbox/<slug>/, with each platform's own paths.

Who the token belongs to (X's ``2/users/me``, Instagram's ``me``, Pinterest's ``v5/user_account``, TikTok's
``v2/user/info/``) is answered by ``sandbox.oauth`` alone, for the OAuth flow and the content APIs' SDKs alike.
"""

from django.urls import path, re_path

from sandbox.social import instagram, media, pinterest, tiktok, x

GRAPH = r"^instagram/(?P<version>v\d+\.0)/"

urlpatterns = [
    path("media/<str:name>", media.media, name="social-media"),
    # TikTok Content Posting + Display API
    path("tiktok/v2/post/publish/creator_info/query/", tiktok.creator_info),
    path("tiktok/v2/post/publish/video/init/", tiktok.video_init),
    path("tiktok/v2/post/publish/content/init/", tiktok.content_init),
    path("tiktok/v2/post/publish/status/fetch/", tiktok.status_fetch),
    path("tiktok/v2/video/list/", tiktok.video_list),
    path("tiktok/v2/video/query/", tiktok.video_query),
    # Instagram Graph API (graph.instagram.com and graph.facebook.com paths)
    re_path(GRAPH + r"(?P<ig_user_id>[\w-]+)/media/?$", instagram.user_media),
    re_path(GRAPH + r"(?P<ig_user_id>[\w-]+)/media_publish/?$", instagram.media_publish),
    re_path(GRAPH + r"(?P<ig_user_id>[\w-]+)/content_publishing_limit/?$", instagram.publishing_limit),
    re_path(GRAPH + r"(?P<media_id>\d+)/insights/?$", instagram.insights),
    re_path(GRAPH + r"(?P<node_id>\d+)/?$", instagram.node),
    # Pinterest v5
    path("pinterest/v5/boards", pinterest.boards),
    path("pinterest/v5/boards/<str:board_id>/pins", pinterest.board_pins),
    path("pinterest/v5/pins", pinterest.pins),
    path("pinterest/v5/pins/<str:pin_id>", pinterest.pin),
    path("pinterest/v5/pins/<str:pin_id>/analytics", pinterest.pin_analytics),
    # X API v2
    path("x/2/tweets", x.tweets),
    path("x/2/tweets/<str:tweet_id>", x.tweet),
    path("x/2/users/<str:user_id>/tweets", x.user_tweets),
    path("x/2/media/upload", x.media_upload),
    path("x/2/media/upload/initialize", x.media_initialize),
    path("x/2/media/upload/<str:media_id>/append", x.media_append),
    path("x/2/media/upload/<str:media_id>/finalize", x.media_finalize),
]
