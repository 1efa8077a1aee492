"""WooCommerce's REST API v3 over HTTP: consumer key / secret auth, WordPress paging, errors into ``platforms.errors``.

Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#authentication (over HTTPS: HTTP Basic with the
consumer key and secret), https://developer.wordpress.org/rest-api/using-the-rest-api/pagination/ (``page``,
``per_page`` up to 100, the ``X-WP-Total`` and ``X-WP-TotalPages`` headers), the WordPress REST error body
``{"code", "message", "data": {"status"}}``.

The site's address is the merchant's input: every request goes through the guarded session, which refuses private
and metadata addresses on every hop (``platforms.guarded``). The keys travel only in the Authorization header,
never in a URL, so neither a log line of the path nor an error message can carry them.
"""

import logging
from collections.abc import Iterator, Mapping
from typing import Any

import requests

from platforms.base import default_error_for, default_timeout, is_idempotent, redact, transport_error
from platforms.constants import WOOCOMMERCE
from platforms.errors import PlatformError, Rejected, Transient
from platforms.guarded import FetchRefused, FetchTooLarge, guarded_session
from platforms.woocommerce.site import api_base, split_access_token

PER_PAGE = 100
# A store that claims more pages than this is not read further in one pass (a million orders): the next
# incremental sync goes on from the watermark the pages read so far moved.
MAX_PAGES = 10_000
ERROR_MESSAGE_MAX = 300


logger = logging.getLogger("platforms.woocommerce")


class WooCommerceRest:
    """The REST API of one WooCommerce site with one key pair (``access_token`` is ``"<ck>:<cs>"``)."""

    slug = WOOCOMMERCE

    def __init__(self, *, site_url: str, access_token: str, session: requests.Session | None = None) -> None:
        self.session = session or guarded_session()
        self.site_url = site_url.rstrip("/")
        self.base = api_base(site_url)
        consumer_key, consumer_secret = split_access_token(access_token)
        self._auth = (consumer_key, consumer_secret)

    def __repr__(self) -> str:
        return f"<WooCommerceRest {self.base}>"

    def error_from_body(self, response: requests.Response, body: Any) -> PlatformError | None:
        """WordPress's error body gives the message; the status gives the kind (401 keys refused, 429 slow down,
        5xx the store failing, any other 4xx a refusal of the request). A 2xx that is not JSON is a site that is no
        WooCommerce (or lacks pretty permalinks): Rejected."""
        if response.status_code < 400:
            if response.content and body is None:
                return Rejected(
                    "The store did not answer as WooCommerce's REST API (are pretty permalinks on?).",
                    platform=WOOCOMMERCE,
                    status=response.status_code,
                )
            return None
        message = ""
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            code = body.get("code") if isinstance(body.get("code"), str) else ""
            message = redact(f"{body['message']} ({code})" if code else body["message"])[:ERROR_MESSAGE_MAX]
        return default_error_for(response, platform=WOOCOMMERCE, message=message or f"HTTP {response.status_code}")

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        site_root: bool = False,
    ) -> tuple[Any, Mapping[str, str]]:
        """One request to ``{site}/wp-json/wc/v3/{path}`` (``{site}/{path}`` with ``site_root``): (decoded body,
        response headers). Raises ``platforms.errors``; a create that may have reached the store is
        ``Transient(ambiguous=True)``."""
        method = method.upper()
        idempotent = is_idempotent(method)
        try:
            response = self.session.request(
                method,
                f"{self.site_url if site_root else self.base}/{path.lstrip('/')}",
                params=params,
                json=json,
                auth=self._auth,
                timeout=default_timeout(),
            )
        except (FetchRefused, FetchTooLarge) as exc:
            raise Rejected(
                "The store's address cannot be fetched from Growth Hub (a private address, or an answer too large).",
                platform=WOOCOMMERCE,
            ) from exc
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise transport_error(exc, platform=WOOCOMMERCE, idempotent=idempotent) from exc
        except requests.RequestException as exc:
            raise Transient("The store could not be reached.", platform=WOOCOMMERCE, ambiguous=not idempotent) from exc
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        error = self.error_from_body(response, body)
        logger.info(
            "platform call",
            extra={
                "platform": WOOCOMMERCE,
                "method": method,
                "path": redact(path.split("?")[0]),
                "status": response.status_code,
                "ok": error is None,
            },
        )
        if error is not None:
            if isinstance(error, Transient) and not idempotent:
                error.ambiguous = True
            raise error
        return body, response.headers

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.call("GET", path, params=params)[0]

    def pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every object of a list, page by page (``per_page`` 100) until ``X-WP-TotalPages``; a page that is not a
        list is Rejected. Without the header, paging stops at the first short page."""
        page = 1
        while page <= MAX_PAGES:
            body, headers = self.call("GET", path, params={**(params or {}), "per_page": PER_PAGE, "page": page})
            if not isinstance(body, list):
                raise Rejected(f"WooCommerce did not answer a list for {path}.", platform=WOOCOMMERCE)
            yield from (item for item in body if isinstance(item, dict))
            total_pages = _int_header(headers, "X-WP-TotalPages")
            if total_pages is None and len(body) < PER_PAGE:
                return
            if total_pages is not None and page >= total_pages:
                return
            page += 1


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = str(headers.get(name) or "").strip()
    return int(value) if value.isdigit() else None
