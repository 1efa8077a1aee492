"""Authentication for the JSON API: a signed-in session, or a store API key sent as a Bearer token.

Both set ``request.store``, ``request.api_role`` and ``request.api_user``; endpoints take the store from
``request.store`` only. An analyst (key or member) may read but not change anything: any request with an unsafe
method is refused here with 403, so no endpoint can forget the rule.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from stores.actors import Actor, ActorKind
from stores.exceptions import PermissionDenied
from stores.models import Role, Store, StoreApiKey
from stores.permissions import READ_ONLY_MESSAGE
from stores.services import api_key_authenticate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _refuse_read_only_writes(request: HttpRequest, role: str) -> None:
    if role == Role.ANALYST and request.method not in SAFE_METHODS:
        raise PermissionDenied(READ_ONLY_MESSAGE)


class StoreApiKeyAuth(HttpBearer):
    """``Authorization: Bearer gh_...``; the key's store and role."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        key = api_key_authenticate(raw_key=token)
        if key is None:
            return None
        _refuse_read_only_writes(request, key.role)
        request.store = key.store
        # The store is known only now; StoreTimezoneMiddleware deactivates it when the request ends.
        timezone.activate(key.store.tzinfo)
        request.api_role = key.role
        request.api_user = key.created_by
        return key


class SessionStoreAuth(APIKeyCookie):
    """The dashboard's own session (CSRF checked on writes); the store is the user's current store."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # No signed-in user: not this scheme's request (e.g. a bad Bearer key), so answer 401, not a CSRF 403.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        membership = getattr(request, "membership", None)
        if not membership:
            return None
        _refuse_read_only_writes(request, membership.role)
        request.store = membership.store
        request.api_role = membership.role
        request.api_user = user
        return membership


class ApiRequest(HttpRequest):
    """The request as the API's authentication hands it on to an endpoint."""

    store: Store
    api_role: str
    api_user: Any
    auth: Any


def api_actor(request: HttpRequest) -> Actor:
    """The store API key that called, or the member calling through the dashboard's session."""
    auth = getattr(request, "auth", None)  # the key or the membership the router's authentication returned
    if isinstance(auth, StoreApiKey):
        return Actor.for_api_key(auth)
    return Actor(kind=ActorKind.API, user=getattr(request, "api_user", None), membership=auth, label="API")
