"""The base of the organic (social) content clients: what each used to write out again, declared once.

A client says where its platform's API lives and how it authenticates with class attributes; it inherits the
constructor, ``url`` and ``call``, and its error map from its platform's HTTP class (``platforms/<slug>/http.py``,
the same one the platform's OAuth spec uses)::

    class PinterestContent(ContentClient, PinterestHttp):
        slug = PINTEREST
        live_base = "https://api.pinterest.com"
        path_prefix = "v5/"
"""

from collections.abc import Mapping
from typing import Any, ClassVar

import requests

from platforms.base import PlatformHttp, platform_url


class ContentClient(PlatformHttp):
    """One account's client: ``access_token`` authenticates every call, ``account_id`` is the platform's id of it."""

    live_base: ClassVar[str] = ""  # the live API host; in sandbox mode the sandbox's /sandbox/<slug>/ stands in
    path_prefix: ClassVar[str] = ""  # what every path starts with (the API version), e.g. "v5/"
    auth_scheme: ClassVar[str] = "Bearer"  # Authorization: <scheme> <access token>

    def __init__(self, *, access_token: str, account_id: str = "", session: requests.Session | None = None) -> None:
        super().__init__(session=session)
        self.access_token = access_token
        self.account_id = account_id

    def url(self, path: str) -> str:
        return platform_url(slug=self.slug, live_base=self.live_base, path=f"{self.path_prefix}{path}")

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"{self.auth_scheme} {self.access_token}"}

    def call(self, method: str, path: str, *, headers: Mapping[str, str] | None = None, **kwargs: Any) -> Any:
        """One call to ``path`` with the token; ``kwargs`` go to ``PlatformHttp.request`` (``params``, ``data``,
        ``json``, ``idempotent``). The decoded body, ``{}`` for an empty one; errors as ``platforms.errors``."""
        answer = self.request(method, self.url(path), headers={**self.auth_headers(), **(headers or {})}, **kwargs)
        return {} if answer is None else answer
