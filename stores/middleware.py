"""Resolves the current store of every request from the signed-in user's memberships."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from stores.selectors import membership_get_for_user

SESSION_STORE_KEY = "growthhub_store_id"


def _resolve_membership(request: HttpRequest):  # noqa: ANN202 - returns Membership | None lazily
    store_id = request.session.get(SESSION_STORE_KEY) if hasattr(request, "session") else None
    membership = membership_get_for_user(user=request.user, store_id=store_id)
    if membership is None and store_id is not None:
        # The remembered store is gone or the membership was removed: fall back to another of theirs.
        membership = membership_get_for_user(user=request.user)
    return membership


class CurrentStoreMiddleware:
    """Sets ``request.membership`` (or None) for signed-in users; views take the store from it only."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not hasattr(request, "membership"):
            request.membership = SimpleLazyObject(lambda: _resolve_membership(request))
        return self.get_response(request)


class ApplicationErrorMiddleware:
    """Renders an ApplicationError raised by a view as the error partial (htmx) or page, with its 4xx status, and
    makes every other 4xx answer to an htmx request one that htmx shows (``stores.htmx``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if htmx and not htmx.history_restore_request:
            from stores.htmx import htmx_error_normalize, htmx_sign_in_redirect

            if 400 <= response.status_code < 500:
                response = htmx_error_normalize(request=request, response=response)
            else:
                response = htmx_sign_in_redirect(request=request, response=response)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from stores.exceptions import ApplicationError
        from stores.htmx import htmx_error_response

        if not isinstance(exception, ApplicationError):
            return None
        if getattr(request, "htmx", False):
            return htmx_error_response(request=request, message=exception.message, status=exception.status_code)
        return render(request, "error.html", {"error": exception}, status=exception.status_code)
