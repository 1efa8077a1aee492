"""Runs every signed-in request in its current store's time zone, so pages show and forms read the store's times."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from stores.permissions import STORE_SLUG_KWARG


class StoreTimezoneMiddleware:
    """Activates the current store's zone before the view runs (after ``CurrentStoreMiddleware``); always deactivates.

    - Anonymous requests keep the server's zone and run no membership query.
    - A URL that names its store (``store_slug``) gets that store's zone from ``store_member_required``, which
      resolves it; looking up the session's store here too would cost a query and could name another store.
    - API-key requests have no user here: ``stores.api_auth`` activates the key's store once it is known.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: tuple, view_kwargs: dict[str, Any]
    ) -> None:
        if STORE_SLUG_KWARG in view_kwargs:
            return
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        membership = getattr(request, "membership", None)
        if membership:
            timezone.activate(membership.store.tzinfo)
