"""Shopify, a store platform: the app install (oauth.py), the Admin GraphQL client (graphql.py, store.py), the
mapping of Shopify's shapes into store records (mapping.py) and the webhook reader (webhooks.py).

``webhook_topics`` are the topics subscribed per shop through the API. The mandatory compliance topics
(customers/data_request, customers/redact, shop/redact) are configured in the app's settings at Shopify
(``shopify.app.toml`` or the Partner Dashboard) and cannot be subscribed by API; their deliveries are read by the
same ``ShopifyWebhooks``.
"""

from platforms.constants import PLATFORM_NAMES, SHOPIFY
from platforms.descriptor import StorePlatformDescriptor
from platforms.shopify.oauth import ShopifyOAuth
from platforms.shopify.store import WEBHOOK_TOPICS, ShopifyStore
from platforms.shopify.webhooks import ShopifyWebhooks

DESCRIPTOR = StorePlatformDescriptor(
    slug=SHOPIFY,
    name=PLATFORM_NAMES[SHOPIFY],
    client_class=ShopifyStore,
    webhooks=ShopifyWebhooks(),
    oauth_class=ShopifyOAuth,
    scopes=frozenset(ShopifyOAuth.scopes),
    webhook_topics=WEBHOOK_TOPICS,
)

__all__ = ["DESCRIPTOR", "ShopifyOAuth", "ShopifyStore", "ShopifyWebhooks"]
