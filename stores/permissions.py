"""View decorators that resolve the current store and enforce the member's role."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from stores.exceptions import PermissionDenied

ViewFunc = Callable[..., HttpResponse]


def store_member_required(*, write: bool = False, manage: bool = False) -> Callable[[ViewFunc], ViewFunc]:
    """Require a signed-in member of a store; ``write`` refuses analysts, ``manage`` allows owners and admins only.

    The view reads the store from ``request.membership.store``; a user with no store is sent to create one.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = request.membership
            if not membership:
                return redirect("stores:create")
            if manage and not membership.can_manage:
                raise PermissionDenied("Only the store's owners and admins can do this.")
            if write and not membership.can_write:
                raise PermissionDenied("Analysts can read everything but change nothing.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
