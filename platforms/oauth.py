"""The OAuth side of every platform: one declarative spec class per platform, Authlib underneath.

A platform module subclasses ``OAuthPlatform`` and sets class attributes (endpoints, scopes, PKCE, client
authentication style); it overrides a method only where the platform departs from RFC 6749 (Meta's long-lived
exchange, TikTok's ``client_key``, TikTok Ads' JSON flow). Endpoints are ``(live base, path)`` pairs so that in
sandbox mode the same path is served under ``SANDBOX_BASE_URL/<slug>/``.

Every failure is raised as a ``platforms.errors`` exception whose message never holds a token.
"""

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from django.conf import settings

from platforms.base import PlatformHttp, default_timeout, parse_retry_after, platform_url, redact
from platforms.constants import PLATFORM_NAMES
from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected, Transient

logger = logging.getLogger("platforms.oauth")

Endpoint = tuple[str, str]  # (live base URL, path below it)

# OAuth error codes (RFC 6749 §5.2 and the platforms' own) that mean "this grant is dead: sign in again".
DEAD_GRANT_ERRORS = frozenset({"invalid_grant", "invalid_token", "access_denied", "expired_token"})


@dataclass(frozen=True)
class TokenSet:
    """What a token endpoint granted. ``expires_in`` None means the access token does not expire."""

    access_token: str
    refresh_token: str = ""
    expires_in: int | None = None
    refresh_expires_in: int | None = None
    scopes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<TokenSet expires_in={self.expires_in} scopes={self.scopes!r}>"


@dataclass(frozen=True)
class AccountInfo:
    """The platform account that signed in (a creator, a business profile, a person who manages ads)."""

    id: str
    name: str


@dataclass(frozen=True)
class AdAccountInfo:
    id: str
    name: str
    currency: str = ""


def _int_or_none(value: Any) -> int | None:
    if value in (None, "", 0, "0"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class OAuthHttp(PlatformHttp):
    """Account reads after the consent; the platform's API error bodies map through the status code."""


class OAuthPlatform(ABC):
    """One platform's OAuth spec. Class attributes describe it; methods implement RFC 6749 through Authlib."""

    slug: ClassVar[str]
    kind: ClassVar[str]  # "social" or "ads"
    docs: ClassVar[str] = ""  # the platform's OAuth documentation page

    authorize_endpoint: ClassVar[Endpoint]
    token_endpoint: ClassVar[Endpoint]
    revoke_endpoint: ClassVar[Endpoint | None] = None
    scopes: ClassVar[tuple[str, ...]] = ()
    scope_separator: ClassVar[str] = " "
    pkce: ClassVar[bool] = False  # send an S256 code challenge (and the verifier at the token endpoint)
    token_auth_method: ClassVar[str] = "client_secret_post"  # or "client_secret_basic"
    extra_authorize_params: ClassVar[dict[str, str]] = {}
    # Whether a token can be renewed without the merchant (a refresh token, or Instagram's self-refresh).
    refreshable: ClassVar[bool] = True
    # The callback query parameter that carries the code.
    code_param: ClassVar[str] = "code"
    http_class: ClassVar[type[OAuthHttp]] = OAuthHttp

    def __init__(self, *, session: requests.Session | None = None) -> None:
        self.http = self.http_class(session=session)
        self.http.slug = self.slug

    # -- configuration -------------------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return PLATFORM_NAMES[self.slug]

    @property
    def is_ads(self) -> bool:
        return self.kind == "ads"

    @property
    def client_id(self) -> str:
        return settings.PLATFORM_CREDENTIALS[self.slug]["client_id"]

    @property
    def client_secret(self) -> str:
        return settings.PLATFORM_CREDENTIALS[self.slug]["client_secret"]

    def url(self, endpoint: Endpoint) -> str:
        live_base, path = endpoint
        return platform_url(slug=self.slug, live_base=live_base, path=path)

    @property
    def can_revoke(self) -> bool:
        return self.revoke_endpoint is not None

    def oauth_session(self, *, redirect_uri: str | None = None) -> OAuth2Session:
        session = OAuth2Session(
            client_id=self.client_id,
            client_secret=self.client_secret,
            token_endpoint_auth_method=self.token_auth_method,
            revocation_endpoint_auth_method=self.token_auth_method,
            scope=self.scope_string(),
            redirect_uri=redirect_uri,
            code_challenge_method="S256" if self.pkce else None,
        )
        session.headers["User-Agent"] = "GrowthHub/1.0"
        session.register_compliance_hook("access_token_response", self._checked_token_response)
        session.register_compliance_hook("refresh_token_response", self._checked_token_response)
        return session

    def scope_string(self) -> str:
        return self.scope_separator.join(self.scopes)

    # -- the flow ------------------------------------------------------------------------------------------------

    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str = "") -> str:
        """The consent page URL; ``code_verifier`` is used (as its S256 challenge) only when the platform does PKCE."""
        session = self.oauth_session(redirect_uri=redirect_uri)
        url, _ = session.create_authorization_url(
            self.url(self.authorize_endpoint),
            state=state,
            code_verifier=code_verifier if self.pkce else None,
            **self.extra_authorize_params,
        )
        return url

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> TokenSet:
        """Trade the callback's code for tokens. Raises PlatformError."""
        extra = {"code_verifier": code_verifier} if self.pkce else {}
        session = self.oauth_session(redirect_uri=redirect_uri)
        token = self._call("code exchange", session.fetch_token, self.url(self.token_endpoint), code=code, **extra)
        return self.token_set(token)

    def refresh(self, *, access_token: str, refresh_token: str) -> TokenSet:
        """Renew the access token. Raises AuthExpired when the platform refuses the grant."""
        if not self.refreshable or not refresh_token:
            raise AuthExpired("This connection cannot be renewed without signing in again.", platform=self.slug)
        session = self.oauth_session()
        token = self._call("refresh", session.refresh_token, self.url(self.token_endpoint), refresh_token=refresh_token)
        result = self.token_set(token)
        if not result.refresh_token:
            # Google does not rotate refresh tokens: the old one stays valid.
            result = TokenSet(**{**result.__dict__, "refresh_token": refresh_token})
        return result

    def revoke(self, *, access_token: str, refresh_token: str = "") -> None:
        """Invalidate the grant at the platform (RFC 7009). Raises PlatformError; callers treat it as best effort."""
        if self.revoke_endpoint is None:
            return
        session = self.oauth_session()
        token, hint = (refresh_token, "refresh_token") if refresh_token else (access_token, "access_token")
        response = self._call(
            "revoke", session.revoke_token, self.url(self.revoke_endpoint), token=token, token_type_hint=hint
        )
        self._raise_for_response(response)

    @abstractmethod
    def fetch_account(self, *, access_token: str, token: TokenSet | None = None) -> AccountInfo:
        """The account that granted ``access_token`` (``token`` carries ids some platforms return with it)."""

    def list_ad_accounts(self, *, access_token: str) -> list[AdAccountInfo]:
        """The ad accounts this user may manage (ad platforms only)."""
        return []

    # -- helpers -------------------------------------------------------------------------------------------------

    def token_set(self, token: dict[str, Any]) -> TokenSet:
        scope = token.get("scope") or ""
        scopes = tuple(s for s in scope.replace(",", " ").split() if s) if isinstance(scope, str) else tuple(scope)
        return TokenSet(
            access_token=str(token.get("access_token") or ""),
            refresh_token=str(token.get("refresh_token") or ""),
            expires_in=_int_or_none(token.get("expires_in")),
            refresh_expires_in=_int_or_none(token.get("refresh_expires_in") or token.get("refresh_token_expires_in")),
            scopes=scopes or self.scopes,
            extra={k: v for k, v in token.items() if k not in ("access_token", "refresh_token")},
        )

    def _call(self, what: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        """Run an Authlib call with our timeouts; map transport and OAuth errors into the hierarchy."""
        try:
            result = func(*args, timeout=default_timeout(), **kwargs)
        except PlatformError:
            raise
        except requests.Timeout as exc:
            raise Transient(f"The platform did not answer the {what} in time.", platform=self.slug) from exc
        except requests.ConnectionError as exc:
            raise Transient(f"Could not reach the platform for the {what}.", platform=self.slug) from exc
        except OAuthError as exc:
            raise self._oauth_error(str(exc.error), exc.description or "") from exc
        except requests.HTTPError as exc:
            raise Transient(f"The platform failed the {what}.", platform=self.slug) from exc
        except ValueError as exc:
            raise Rejected(f"The platform answered the {what} with something unreadable.", platform=self.slug) from exc
        logger.info("oauth call", extra={"platform": self.slug, "what": what})
        return result

    def _oauth_error(self, error: str, description: str, *, status: int | None = None) -> PlatformError:
        message = redact(description or error or "The platform refused the request.")[:300]
        if error in DEAD_GRANT_ERRORS:
            return AuthExpired(message, platform=self.slug, status=status, code=error)
        return Rejected(message, platform=self.slug, status=status, code=error)

    def error_code(self, body: Any) -> tuple[str, str]:
        """(error code, description) of a failed token response; platforms with their own shapes override."""
        if not isinstance(body, dict):
            return "", ""
        error = body.get("error")
        if isinstance(error, dict):  # Graph API
            code = error.get("code")
            return ("invalid_grant" if code == 190 else str(code or "")), str(error.get("message") or "")
        return str(error or body.get("code") or ""), str(
            body.get("error_description") or body.get("message") or body.get("error_message") or ""
        )

    def _raise_for_response(self, response: requests.Response) -> None:
        if response.status_code < 400:
            return
        if response.status_code == 429:
            raise RateLimited(
                "The platform asked us to slow down.",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                platform=self.slug,
                status=429,
            )
        if response.status_code >= 500:
            raise Transient("The platform failed; try again shortly.", platform=self.slug, status=response.status_code)
        try:
            body = response.json()
        except ValueError:
            body = None
        error, description = self.error_code(body)
        raise self._oauth_error(error, description, status=response.status_code)

    def _checked_token_response(self, response: requests.Response) -> requests.Response:
        """Authlib hook: map an error answer of the token endpoint before Authlib parses it."""
        logger.info("oauth token response", extra={"platform": self.slug, "status": response.status_code})
        self._raise_for_response(response)
        return response

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.slug}>"
