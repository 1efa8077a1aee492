from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from stores.exceptions import ApplicationError
from stores.forms import StoreForm
from stores.middleware import SESSION_STORE_KEY
from stores.selectors import store_get_for_user
from stores.services import store_create_with_owner


def ratelimited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """django-ratelimit's view for a blocked request: a 429 instead of a bare 403."""
    if request.path.startswith("/api/") or request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"detail": "Too many requests. Try again in a minute.", "code": "rate_limited"}, status=429)
    return render(
        request, "error.html", {"error": {"message": "Too many requests. Try again in a minute."}}, status=429
    )


@require_POST
@login_required
def store_switch(request: HttpRequest, slug: str) -> HttpResponse:
    """Make ``slug`` the current store; a store the user is not a member of answers 404."""
    membership = store_get_for_user(user=request.user, slug=slug)
    request.session[SESSION_STORE_KEY] = membership.store_id
    messages.info(request, f"Now working on {membership.store.name}.")
    return redirect("growth:overview")


@login_required
def store_create(request: HttpRequest) -> HttpResponse:
    form = StoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            store = store_create_with_owner(
                owner=request.user,
                name=form.cleaned_data["name"],
                currency=form.cleaned_data["currency"],
                timezone_name=form.cleaned_data["timezone"],
                domain=form.cleaned_data["storefront_domain"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            request.session[SESSION_STORE_KEY] = store.id
            messages.success(request, f"{store.name} is ready.")
            return redirect("growth:overview")
    return render(request, "stores/store_form.html", {"form": form}, status=400 if form.errors else 200)
