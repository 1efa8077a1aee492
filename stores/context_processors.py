from django.http import HttpRequest

from stores.selectors import memberships_for_user


def current_store(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    membership = membership if membership else None
    return {
        "current_membership": membership,
        "current_store": membership.store if membership else None,
        "user_memberships": memberships_for_user(user=user),
    }
