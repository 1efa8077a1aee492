"""Instagram Graph API content publishing (image, reel, carousel) and media insights.

Docs: https://developers.facebook.com/docs/instagram-platform/content-publishing (container → publish),
https://developers.facebook.com/docs/instagram-platform/reference/ig-container (status_code),
https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights (metrics),
https://developers.facebook.com/docs/instagram-platform/error-codes (codes and subcodes).
"""

import time

from django.conf import settings

from platforms.constants import INSTAGRAM
from platforms.content import HandleSink, MediaKind, Metrics, PostDraft, Published
from platforms.content_base import ContentClient
from platforms.errors import PlatformError, Rejected, Transient
from platforms.instagram.http import InstagramHttp

LIVE_BASE = "https://graph.instagram.com"
API_VERSION = "v25.0"
INSIGHT_METRICS = "reach,likes,comments,saved,shares,views,total_interactions"


class InstagramContent(ContentClient, InstagramHttp):
    slug = INSTAGRAM
    live_base = LIVE_BASE
    path_prefix = f"{API_VERSION}/"

    def create_container(self, draft: PostDraft) -> str:
        """Create the media container(s). Sent again, a create only leaves an unused container (it expires in 24 h,
        is never published), so its failures are not taken as a post that may exist: only ``media_publish`` is."""
        if draft.media_kind == MediaKind.CAROUSEL:
            children = [
                self.call(
                    "POST",
                    f"{self.account_id}/media",
                    data={"image_url": url, "is_carousel_item": "true"},
                    idempotent=True,
                )["id"]
                for url in draft.media_urls
            ]
            data = {"media_type": "CAROUSEL", "children": ",".join(children), "caption": draft.caption}
        elif draft.media_kind == MediaKind.VIDEO:
            data = {"media_type": "REELS", "video_url": draft.media_urls[0], "caption": draft.caption}
            data["share_to_feed"] = "true"
        else:
            data = {"image_url": draft.media_urls[0], "caption": draft.caption}
            if draft.alt_text:
                data["alt_text"] = draft.alt_text
        return self.call("POST", f"{self.account_id}/media", data=data, idempotent=True)["id"]

    def container_status(self, container_id: str) -> str:
        return self.call("GET", container_id, params={"fields": "status_code,status"}).get("status_code", "")

    def publish(self, draft: PostDraft, *, handle: str = "", save_handle: HandleSink) -> Published:
        """Create the container (saved at once), wait until FINISHED, then ``media_publish`` it."""
        state = self.container_status(handle) if handle else ""
        if state in ("ERROR", "EXPIRED"):
            handle = ""  # a container lives 24 h; an old or broken one is replaced, never published
        if not handle:
            handle = self.create_container(draft)
            save_handle(handle)
            state = ""
        deadline = time.monotonic() + settings.SOCIAL_STATUS_POLL_SECONDS
        while True:
            state = state or self.container_status(handle)
            if state == "FINISHED":
                break
            if state == "PUBLISHED":
                found = self.find_media(draft)
                if found:
                    return found
            if state in ("ERROR", "EXPIRED"):
                raise Rejected(f"Instagram could not prepare the media ({state}).", platform=INSTAGRAM)
            if time.monotonic() >= deadline:
                raise Transient("Instagram is still preparing the media.", platform=INSTAGRAM, ambiguous=True)
            time.sleep(settings.SOCIAL_STATUS_POLL_INTERVAL)
            state = ""
        media_id = str(self.call("POST", f"{self.account_id}/media_publish", data={"creation_id": handle})["id"])
        return Published(external_id=media_id, permalink=self.permalink(media_id))

    def permalink(self, media_id: str) -> str:
        """The media's permalink (``GET /{ig-media-id}?fields=permalink``), read right after publishing.

        The post exists by then whatever this read answers: a failure leaves the permalink empty (the metrics sync
        reads it again) rather than turning a published post into a retry that would publish it twice.
        """
        try:
            return self.call("GET", media_id, params={"fields": "permalink"}).get("permalink", "")
        except PlatformError:
            return ""

    def find_media(self, draft: PostDraft) -> Published | None:
        params = {"fields": "id,caption,permalink,timestamp", "limit": 100}
        if draft.since:
            params["since"] = int(draft.since.timestamp())
        page = self.call("GET", f"{self.account_id}/media", params=params)
        for media in page.get("data") or []:
            if draft.carries(media.get("caption", "")):
                return Published(external_id=str(media["id"]), permalink=media.get("permalink", ""))
        return None

    def lookup(self, draft: PostDraft, *, handle: str = "") -> Published | None:
        """By container: PUBLISHED means look for the media; otherwise look among recent media by marker."""
        if handle and self.container_status(handle) not in ("PUBLISHED",):
            return None
        return self.find_media(draft)

    def publishing_limit(self) -> dict:
        data = self.call(
            "GET", f"{self.account_id}/content_publishing_limit", params={"fields": "quota_usage,config"}
        ).get("data") or [{}]
        return data[0]

    def metrics(self, external_ids: list[str]) -> dict[str, Metrics]:
        result = {}
        for media_id in external_ids:
            rows = self.call("GET", f"{media_id}/insights", params={"metric": INSIGHT_METRICS}).get("data") or []
            values = {row["name"]: int((row.get("values") or [{}])[0].get("value") or 0) for row in rows}
            node = self.call("GET", media_id, params={"fields": "permalink,like_count,comments_count"})
            result[media_id] = Metrics(
                extra={"permalink": node.get("permalink", "")},
                impressions=values.get("views", 0),
                reach=values.get("reach", 0),
                likes=values.get("likes", 0),
                comments=values.get("comments", 0),
                shares=values.get("shares", 0),
                saves=values.get("saved", 0),
                video_views=values.get("views", 0),
            )
        return result
