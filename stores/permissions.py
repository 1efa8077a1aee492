"""View decorators that resolve the current store and enforce the member's role."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from stores.exceptions import PermissionDenied
from stores.middleware import SESSION_STORE_KEY
from stores.models import Membership
from stores.selectors import store_get_for_user

ViewFunc = Callable[..., HttpResponse]


class MemberRequest(HttpRequest):
    """The request as ``store_member_required`` hands it on: a signed-in member of the store, and htmx's details."""

    user: User
    membership: Membership
    htmx: HtmxDetails


READ_ONLY_MESSAGE = "Analysts can read everything but change nothing."
MANAGE_ONLY_MESSAGE = "Only the store's owners and admins can do this."

# The URL keyword that names a store explicitly (e.g. /stores/<store_slug>/settings/).
STORE_SLUG_KWARG = "store_slug"


def membership_require(membership: Membership, *, write: bool = False, manage: bool = False) -> None:
    """Raise PermissionDenied (403) unless the membership's role allows the change.

    The read-only refusal comes first so an analyst always hears that analysts change nothing.
    """
    if (write or manage) and not membership.can_write:
        raise PermissionDenied(READ_ONLY_MESSAGE)
    if manage and not membership.can_manage:
        raise PermissionDenied(MANAGE_ONLY_MESSAGE)


def store_member_required(*, write: bool = False, manage: bool = False) -> Callable[[ViewFunc], ViewFunc]:
    """Require a signed-in member of a store; ``write`` refuses analysts, ``manage`` allows owners and admins only.

    The view reads the store from ``request.membership.store``. When the URL names a store (``store_slug``), that
    store is used (and becomes the session's current store), and one the user is not a member of answers 404 as if
    it did not exist. Otherwise the current store of the session is used, and a user with no store is sent to
    create one.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if STORE_SLUG_KWARG in kwargs:
                request.membership = store_get_for_user(user=request.user, slug=kwargs[STORE_SLUG_KWARG])
                timezone.activate(request.membership.store.tzinfo)
                # The store named in the URL becomes the current one, so the hub links go on with it.
                if request.session.get(SESSION_STORE_KEY) != request.membership.store_id:
                    request.session[SESSION_STORE_KEY] = request.membership.store_id
            membership = request.membership
            if not membership:
                return redirect("stores:create")
            membership_require(membership, write=write, manage=manage)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
