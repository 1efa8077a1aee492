"""What one platform is, declared once: its OAuth spec, its client, scopes, content limits, link words, creative needs.

Each ``platforms/<slug>/__init__.py`` declares a ``DESCRIPTOR``; ``platforms.registry.PLATFORMS`` lists them. The
apps read a platform's facts from its descriptor and nowhere else, so adding a platform touches its own package
and the registry line.
"""

from dataclasses import dataclass, field
from typing import Any

from platforms.content import PlatformLimits
from platforms.oauth import OAuthPlatform

SOCIAL = "social"
ADS = "ads"


@dataclass(frozen=True)
class LinkWords:
    """The UTM words a link to the store carries from this platform (see stores.links)."""

    source: str  # utm_source: the platform slug
    medium: str  # utm_medium: "social" (organic), "paid_social" (Meta, TikTok Ads), "cpc" (Google Ads)


@dataclass(frozen=True)
class CreativeNeeds:
    """What an ad creative needs on one ad platform before a campaign is sent there."""

    min_headlines: int = 0
    min_descriptions: int = 0
    needs_video: bool = False
    # The message a creative short of headlines / descriptions hears; the platform's own words for the rule.
    texts_message: str = ""
    video_message: str = ""

    def problems(
        self, *, headlines: list[str], descriptions: list[str], primary_text: str, image_url: str, video_id: str
    ) -> list[str]:
        """[] when the creative is fine on this platform; otherwise one message per unmet need."""
        found = []
        if len(headlines) < self.min_headlines or len(descriptions) < self.min_descriptions:
            found.append(self.texts_message)
        if self.needs_video and not video_id:
            found.append(self.video_message)
        return found


@dataclass(frozen=True)
class PlatformDescriptor:
    """Everything about one platform the apps may ask."""

    slug: str
    name: str
    kind: str  # SOCIAL or ADS
    oauth_class: type[OAuthPlatform]
    client_class: type
    link_words: LinkWords
    publish_scopes: frozenset[str] = field(default_factory=frozenset)  # social: needed to publish
    metrics_scopes: frozenset[str] = field(default_factory=frozenset)  # social: needed to read metrics
    limits: PlatformLimits | None = None  # social: caption, hashtags, media
    creative: CreativeNeeds | None = None  # ads

    def client(self, *, access_token: str, account_id: str) -> Any:
        """The platform's API client acting for one account with ``access_token`` (never logged)."""
        return self.client_class(access_token=access_token, account_id=account_id)


STORE = "store"


@dataclass(frozen=True)
class StorePlatformDescriptor:
    """Everything about one store platform (Shopify, WooCommerce) the apps may ask.

    ``client_class(access_token=..., account_id=...)`` is a ``platforms.store_records.StoreDataClient``: for
    Shopify ``account_id`` is the shop domain (``<handle>.myshopify.com``) and ``access_token`` the Admin API
    token; for WooCommerce ``account_id`` is the site's URL and ``access_token`` is ``"<consumer key>:<consumer
    secret>"``. ``webhooks`` reads the platform's webhook deliveries.
    """

    slug: str
    name: str
    client_class: type
    webhooks: Any  # a platforms.store_records.StoreWebhookReader
    oauth_class: type | None = None  # the app-install / key-exchange flow
    scopes: frozenset[str] = field(default_factory=frozenset)
    webhook_topics: tuple[str, ...] = ()  # the topics the hub subscribes to
    # WooCommerce: the hub's webhooks outlive its keys, so a disconnect deletes them (client.webhooks_delete).
    # Shopify removes an app's subscriptions itself when the app is uninstalled.
    deletes_webhooks_on_disconnect: bool = False
    kind: str = STORE

    def oauth(self) -> Any:
        """A fresh instance of the platform's sign-in flow (KeyError when it has none)."""
        if self.oauth_class is None:
            raise KeyError(f"{self.slug} has no sign-in flow")
        return self.oauth_class()

    def client(self, *, access_token: str, account_id: str) -> Any:
        """The platform's store-data client for one store (``access_token`` is never logged)."""
        return self.client_class(access_token=access_token, account_id=account_id)
