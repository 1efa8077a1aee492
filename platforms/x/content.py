"""X API v2: media upload, create post, look up recent posts, public and non-public metrics.

Docs: https://docs.x.com/x-api/posts/creation-of-a-post (POST /2/tweets),
https://docs.x.com/x-api/media/quickstart/media-upload-chunked (POST /2/media/upload, initialize/append/finalize),
https://docs.x.com/x-api/users/user-posts-timeline-by-user-id (GET /2/users/{id}/tweets),
https://docs.x.com/x-api/fundamentals/metrics (public_metrics, non_public_metrics).
"""

import datetime as dt
import time
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone
from urllib3 import encode_multipart_formdata

from platforms.constants import X
from platforms.content import HandleSink, MediaKind, Metrics, PostDraft, Published
from platforms.content_base import ContentClient
from platforms.errors import Rejected, Transient
from platforms.guarded import FetchRefused, FetchTooLarge, guarded_session
from platforms.x.http import XHttp

LIVE_BASE = "https://api.x.com"
CHUNK_BYTES = 4 * 1024 * 1024


class XContent(ContentClient, XHttp):
    slug = X
    live_base = LIVE_BASE
    path_prefix = "2/"

    def call(self, method: str, path: str, *, files: dict | None = None, data: Any = None, **kwargs: Any) -> Any:
        """One API call; ``idempotent=True`` marks a call safe to send twice (a media upload: a second one only
        leaves an unused media id), so only the post create's failures are taken as a post that may exist."""
        if files:
            # multipart/form-data, as X's media endpoints expect
            data, content_type = encode_multipart_formdata({**(data or {}), **files})
            kwargs["headers"] = {**(kwargs.get("headers") or {}), "Content-Type": content_type}
        return super().call(method, path, data=data, **kwargs)

    def me(self) -> dict:
        return self.call("GET", "users/me")["data"]

    def fetch_media(self, url: str) -> tuple[bytes, str]:
        """Download a media URL the merchant supplied (X takes uploads, not URLs), only through the guarded
        session: a private or oversize target is refused for good, without saying what answered there."""
        try:
            with guarded_session() as session:
                response = session.get(url)
        except (FetchRefused, FetchTooLarge) as exc:
            raise Rejected("The post's media could not be fetched.", platform=X) from exc
        except requests.RequestException as exc:
            raise Transient("Could not download the post's media.", platform=X) from exc
        if response.status_code >= 400:
            raise Rejected(f"The post's media answered HTTP {response.status_code}.", platform=X)
        return response.content, response.headers.get("Content-Type", "image/jpeg").split(";")[0]

    def upload(self, url: str, kind: str) -> str:
        content, content_type = self.fetch_media(url)
        if kind != MediaKind.VIDEO:
            data = self.call(
                "POST",
                "media/upload",
                files={"media": ("media", content, content_type)},
                data={"media_category": "tweet_image"},
                idempotent=True,
            )
            return str(data["data"]["id"])
        init = self.call(
            "POST",
            "media/upload/initialize",
            json={"media_type": content_type, "total_bytes": len(content), "media_category": "tweet_video"},
            idempotent=True,
        )["data"]
        media_id = str(init["id"])
        for index, start in enumerate(range(0, len(content), CHUNK_BYTES)):
            self.call(
                "POST",
                f"media/upload/{media_id}/append",
                files={"media": ("chunk", content[start : start + CHUNK_BYTES], "application/octet-stream")},
                data={"segment_index": str(index)},
                idempotent=True,
            )
        info = (
            self.call("POST", f"media/upload/{media_id}/finalize", idempotent=True)["data"].get("processing_info") or {}
        )
        deadline = time.monotonic() + settings.SOCIAL_STATUS_POLL_SECONDS
        while info.get("state") in ("pending", "in_progress"):
            if time.monotonic() >= deadline:
                raise Transient("X is still processing the video.", platform=X)
            time.sleep(min(float(info.get("check_after_secs") or 1), settings.SOCIAL_STATUS_POLL_INTERVAL))
            info = (
                self.call("GET", "media/upload", params={"command": "STATUS", "media_id": media_id})["data"].get(
                    "processing_info"
                )
                or {}
            )
        if info.get("state") == "failed":
            raise Rejected("X could not process the video.", platform=X)
        return media_id

    def publish(self, draft: PostDraft, *, handle: str = "", save_handle: HandleSink) -> Published:
        """Upload the media (at most 4 images or 1 video), then create the post. Media ids are reusable, so a saved
        handle (comma-separated media ids) skips the upload."""
        media_ids = [m for m in handle.split(",") if m] if handle else []
        if not media_ids and draft.media_urls:
            media_ids = [self.upload(url, draft.media_kind) for url in draft.media_urls[:4]]
            save_handle(",".join(media_ids))
        payload: dict[str, Any] = {"text": draft.caption}
        if media_ids:
            payload["media"] = {"media_ids": media_ids}
        try:
            data = self.call("POST", "tweets", json=payload)["data"]
        except Rejected as error:
            # X refuses a post whose text repeats a recent one of the same user: an earlier send of this very post
            # may have been created unbeknown to us, so the refusal is answered by looking it up.
            if error.status == 403 and "duplicate" in error.message.lower():
                found = self.lookup(draft)
                if found is not None:
                    return found
            raise
        return Published(external_id=str(data["id"]), permalink=self.permalink(str(data["id"])))

    def permalink(self, post_id: str) -> str:
        return f"https://x.com/{self.account_id or 'i'}/status/{post_id}"

    def lookup(self, draft: PostDraft, *, handle: str = "") -> Published | None:
        """Among the user's posts since the first attempt (else two days), the one carrying the draft's marker in
        its text or its expanded links (the API shows links as t.co in the text)."""
        user_id = self.me()["id"]
        since = (draft.since or timezone.now() - dt.timedelta(days=2)).astimezone(dt.UTC)
        params = {
            "max_results": 100,
            "start_time": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tweet.fields": "created_at,entities",
        }
        while True:
            page = self.call("GET", f"users/{user_id}/tweets", params=params)
            for tweet in page.get("data") or []:
                urls = [u.get("expanded_url", "") for u in (tweet.get("entities") or {}).get("urls", [])]
                if draft.carries(tweet.get("text", ""), *urls):
                    return Published(external_id=str(tweet["id"]), permalink=self.permalink(str(tweet["id"])))
            next_token = (page.get("meta") or {}).get("next_token")
            if not next_token:
                return None
            params["pagination_token"] = next_token

    def metrics(self, external_ids: list[str]) -> dict[str, Metrics]:
        result = {}
        for start in range(0, len(external_ids), 100):
            batch = external_ids[start : start + 100]
            body = self.call(
                "GET",
                "tweets",
                params={"ids": ",".join(batch), "tweet.fields": "public_metrics,non_public_metrics,created_at"},
            )
            for tweet in body.get("data") or []:
                public = tweet.get("public_metrics") or {}
                private = tweet.get("non_public_metrics") or {}
                result[str(tweet["id"])] = Metrics(
                    impressions=int(public.get("impression_count", 0)),
                    reach=int(public.get("impression_count", 0)),
                    likes=int(public.get("like_count", 0)),
                    comments=int(public.get("reply_count", 0)),
                    shares=int(public.get("retweet_count", 0)) + int(public.get("quote_count", 0)),
                    saves=int(public.get("bookmark_count", 0)),
                    clicks=int(private.get("url_link_clicks", 0)),
                )
        return result
