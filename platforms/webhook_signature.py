"""The signature both store platforms put on a webhook delivery: base64 of HMAC-SHA256 of the raw body.

Shopify signs with the app's client secret (``X-Shopify-Hmac-Sha256``), WooCommerce with the secret chosen when the
webhook was created (``X-WC-Webhook-Signature``). The bytes hashed are the body exactly as received: re-serialised
JSON would not match.
"""

import base64
import hashlib
import hmac
from collections.abc import Mapping


def header(headers: Mapping[str, str], name: str) -> str:
    """The value of header ``name`` whatever its case (Django's ``request.headers`` or a plain dict)."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for key, v in headers.items() if key.lower() == lowered), None)
    return str(value or "").strip()


def body_signature(*, body: bytes, secret: str) -> str:
    """base64(HMAC-SHA256(secret, body)): what the platform sends for ``body``."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def body_signature_matches(*, body: bytes, secret: str, signature: str) -> bool:
    """Whether ``signature`` is ``body``'s signature under ``secret``; constant-time, False when either is empty."""
    if not secret or not signature:
        return False
    return hmac.compare_digest(body_signature(body=body, secret=secret).encode(), signature.strip().encode())
