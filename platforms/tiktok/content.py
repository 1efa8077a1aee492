"""TikTok Content Posting API (Direct Post, photo and video) and Display API metrics.

Docs: https://developers.tiktok.com/doc/content-posting-api-reference-direct-post (video init),
https://developers.tiktok.com/doc/content-posting-api-reference-photo-post (photo init),
https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status (status),
https://developers.tiktok.com/doc/tiktok-api-v2-video-query (metrics). Every answer is the ``{data, error}``
envelope; success iff ``error.code == "ok"``.
"""

import time

from django.conf import settings

from platforms.constants import TIKTOK
from platforms.content import HandleSink, MediaKind, Metrics, PostDraft, Published, fit_to
from platforms.content_base import ContentClient
from platforms.errors import Rejected, Transient
from platforms.tiktok.http import TikTokHttp

LIVE_BASE = "https://open.tiktokapis.com"
METRIC_FIELDS = "id,title,create_time,share_url,view_count,like_count,comment_count,share_count"
# A photo post's ``title`` is cut to 90 characters; its whole caption is the ``description``, which the Display API
# returns as ``video_description``: a look-up asks for both.
LOOKUP_FIELDS = "id,title,video_description,create_time,share_url"
PHOTO_TITLE_LIMIT = 90


def photo_title(draft: PostDraft) -> str:
    """A photo post's title (TikTok takes at most 90 characters): the draft's title, else its caption, cut."""
    return fit_to(draft.title or draft.caption, PHOTO_TITLE_LIMIT)


class TikTokContent(ContentClient, TikTokHttp):
    slug = TIKTOK
    live_base = LIVE_BASE

    def post(self, path: str, payload: dict | None = None, *, params: dict | None = None, read: bool = False) -> dict:
        """POST to ``path`` (every TikTok v2 call is a POST) and return the envelope's ``data``. ``read`` marks a
        call that only reads (creator info, status, video list), so a 5xx or a timeout of it is never taken as a
        post that may exist."""
        body = self.call(
            "POST",
            path,
            headers={"Content-Type": "application/json"},
            params=params,
            json=payload if payload is not None else {},
            idempotent=True if read else None,
        )
        return body.get("data") or {}

    def creator_info(self) -> dict:
        return self.post("v2/post/publish/creator_info/query/", read=True)

    def publish(self, draft: PostDraft, *, handle: str = "", save_handle: HandleSink) -> Published:
        """Init a Direct Post (photo or video pulled from URL), persist ``publish_id``, poll its status.

        A retried init would create a second post (TikTok has no idempotency), so a saved handle resumes polling;
        only a handle TikTok reports FAILED is replaced by a new init.
        """
        if handle and self.status(handle).get("status") == "FAILED":
            handle = ""
        if not handle:
            info = self.creator_info()
            options = info.get("privacy_level_options") or ["SELF_ONLY"]
            privacy = "PUBLIC_TO_EVERYONE" if "PUBLIC_TO_EVERYONE" in options else options[0]
            if draft.media_kind == MediaKind.VIDEO:
                data = self.post(
                    "v2/post/publish/video/init/",
                    {
                        "post_info": {
                            "title": draft.caption,
                            "privacy_level": privacy,
                            "disable_duet": False,
                            "disable_comment": False,
                            "disable_stitch": False,
                            "video_cover_timestamp_ms": 1000,
                        },
                        "source_info": {"source": "PULL_FROM_URL", "video_url": draft.media_urls[0]},
                    },
                )
            else:
                data = self.post(
                    "v2/post/publish/content/init/",
                    {
                        "media_type": "PHOTO",
                        "post_mode": "DIRECT_POST",
                        "post_info": {
                            "title": photo_title(draft),
                            "description": draft.caption,
                            "privacy_level": privacy,
                            "disable_comment": False,
                            "auto_add_music": True,
                        },
                        "source_info": {
                            "source": "PULL_FROM_URL",
                            "photo_images": list(draft.media_urls),
                            "photo_cover_index": 0,
                        },
                    },
                )
            handle = data["publish_id"]
            save_handle(handle)
        return self.wait_for(handle)

    def status(self, publish_id: str) -> dict:
        return self.post("v2/post/publish/status/fetch/", {"publish_id": publish_id}, read=True)

    def wait_for(self, publish_id: str) -> Published:
        """Poll the status until it is final, for at most ``SOCIAL_STATUS_POLL_SECONDS``."""
        deadline = time.monotonic() + settings.SOCIAL_STATUS_POLL_SECONDS
        while True:
            data = self.status(publish_id)
            state = data.get("status")
            ids = data.get("publicaly_available_post_id") or []
            if state == "PUBLISH_COMPLETE" and ids:
                return Published(external_id=str(ids[0]), permalink=self.permalink(str(ids[0])))
            if state == "FAILED":
                raise Rejected(data.get("fail_reason") or "TikTok could not publish the post.", platform=TIKTOK)
            if time.monotonic() >= deadline:
                raise Transient(f"TikTok is still processing the post ({state}).", platform=TIKTOK, ambiguous=True)
            time.sleep(settings.SOCIAL_STATUS_POLL_INTERVAL)

    def permalink(self, video_id: str) -> str:
        return f"https://www.tiktok.com/@{self.account_id}/video/{video_id}" if self.account_id else ""

    def lookup(self, draft: PostDraft, *, handle: str = "") -> Published | None:
        if handle:
            data = self.status(handle)
            ids = data.get("publicaly_available_post_id") or []
            if data.get("status") == "PUBLISH_COMPLETE" and ids:
                return Published(external_id=str(ids[0]), permalink=self.permalink(str(ids[0])))
            if data.get("status") == "FAILED":
                return None
            raise Transient("TikTok is still processing the post.", platform=TIKTOK, ambiguous=True)
        since = int(draft.since.timestamp()) if draft.since else 0
        cursor = 0
        while True:
            body = {"max_count": 20, **({"cursor": cursor} if cursor else {})}
            data = self.post("v2/video/list/", body, params={"fields": LOOKUP_FIELDS}, read=True)
            videos = data.get("videos") or []
            for video in videos:
                # The description is the whole caption; a title alone may be the caption cut to 90 characters.
                if draft.carries(video.get("video_description") or "", truncated=(video.get("title") or "",)):
                    return Published(external_id=str(video["id"]), permalink=video.get("share_url", ""))
            older = videos and int(videos[-1].get("create_time") or 0) < since
            if not data.get("has_more") or older or not since:
                return None
            cursor = int(data.get("cursor") or 0)

    def metrics(self, external_ids: list[str]) -> dict[str, Metrics]:
        result: dict[str, Metrics] = {}
        for start in range(0, len(external_ids), 20):
            batch = external_ids[start : start + 20]
            data = self.post(
                "v2/video/query/", {"filters": {"video_ids": batch}}, params={"fields": METRIC_FIELDS}, read=True
            )
            for video in data.get("videos") or []:
                views = int(video.get("view_count") or 0)
                result[str(video["id"])] = Metrics(
                    impressions=views,
                    reach=views,
                    likes=int(video.get("like_count") or 0),
                    comments=int(video.get("comment_count") or 0),
                    shares=int(video.get("share_count") or 0),
                    video_views=views,
                )
        return result
