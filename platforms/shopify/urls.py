"""Where a shop's endpoints are: on the shop's own host live, under the sandbox store's prefix in sandbox mode."""

from django.conf import settings

from platforms.base import sandbox_mode
from platforms.constants import SHOPIFY


def shop_url(shop: str, path: str) -> str:
    """The URL of ``path`` on ``shop``: ``https://<shop>/<path>`` live, ``SANDBOX_BASE_URL/shopify/<shop>/<path>`` in
    sandbox mode (the sandbox store serves the same paths under its own prefix)."""
    base = f"{settings.SANDBOX_BASE_URL.rstrip('/')}/{SHOPIFY}/{shop}" if sandbox_mode() else f"https://{shop}"
    return f"{base}/{path.lstrip('/')}"
