"""Authentication for the JSON API: a signed-in session, or a store API key sent as a Bearer token."""

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from stores.models import Membership
from stores.services import api_key_authenticate


class StoreApiKeyAuth(HttpBearer):
    """``Authorization: Bearer gh_...``; sets ``request.store`` and ``request.api_role``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        key = api_key_authenticate(raw_key=token)
        if key is None:
            return None
        request.store = key.store
        request.api_role = key.role
        request.api_user = key.created_by
        return key


class SessionStoreAuth(APIKeyCookie):
    """The dashboard's own session (CSRF checked); the store is the user's current store."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        membership: Membership | None = request.membership if request.membership else None
        if membership is None:
            return None
        request.store = membership.store
        request.api_role = membership.role
        request.api_user = user
        return membership
