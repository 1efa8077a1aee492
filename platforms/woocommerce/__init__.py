"""WooCommerce, a store platform: the site address and key flow (site.py), the REST API v3 client (rest.py,
store.py), the mapping of WooCommerce's JSON into store records (mapping.py) and the webhook reader (webhooks.py).

A connection's ``external_account_id`` is the site's home URL and its access token ``"<ck>:<cs>"``, the REST key
pair the store handed over through ``/wc-auth/v1/authorize`` or that the merchant pasted.
"""

from platforms.constants import PLATFORM_NAMES, WOOCOMMERCE
from platforms.descriptor import StorePlatformDescriptor
from platforms.woocommerce.site import WooCommerceKeyFlow
from platforms.woocommerce.store import WEBHOOK_TOPICS, WooCommerceStore
from platforms.woocommerce.webhooks import WooCommerceWebhooks

DESCRIPTOR = StorePlatformDescriptor(
    slug=WOOCOMMERCE,
    name=PLATFORM_NAMES[WOOCOMMERCE],
    client_class=WooCommerceStore,
    webhooks=WooCommerceWebhooks(),
    oauth_class=WooCommerceKeyFlow,
    scopes=frozenset(WooCommerceKeyFlow.scopes),
    webhook_topics=WEBHOOK_TOPICS,
    deletes_webhooks_on_disconnect=True,
)

__all__ = ["DESCRIPTOR", "WooCommerceKeyFlow", "WooCommerceStore", "WooCommerceWebhooks"]
