"""Store pages: create, switch, settings, members and API keys. Thin: parse, authorise, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from stores.actors import Actor
from stores.exceptions import ApplicationError
from stores.forms import ApiKeyForm, MemberAddForm, MemberRoleForm, StoreForm, role_choices
from stores.htmx import render_page_or_fragment
from stores.middleware import SESSION_STORE_KEY
from stores.models import Membership, Role
from stores.money import DEFAULT_LOCALE
from stores.permissions import membership_require, store_member_required
from stores.selectors import (
    api_key_get_for_store,
    api_keys_for_store,
    membership_get_for_store,
    memberships_for_store,
    store_get_for_user,
)
from stores.services import (
    api_key_create,
    api_key_revoke,
    membership_add,
    membership_change_role,
    membership_remove,
    store_create_with_owner,
    store_update,
)


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A blocked request (django-ratelimit, or allauth's limits through ``handler429``): 429, not a bare 403."""
    message = "Too many requests. Try again in a minute."
    if request.path.startswith("/api/") or request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"detail": message, "code": "rate_limited"}, status=429)
    return render(request, "error.html", {"error": {"message": message}}, status=429)


@require_POST
@login_required
def store_switch(request: HttpRequest, store_slug: str) -> HttpResponse:
    """Make ``store_slug`` the current store; a store the user is not a member of answers 404."""
    membership = store_get_for_user(user=request.user, slug=store_slug)
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
                locale=form.cleaned_data["locale"] or DEFAULT_LOCALE,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            request.session[SESSION_STORE_KEY] = store.id
            messages.success(request, f"{store.name} is ready.")
            return redirect("growth:overview")
    return render(request, "stores/store_form.html", {"form": form}, status=400 if form.errors else 200)


def _page(request: HttpRequest, template: str, partial: str, context: dict, *, status: int = 200) -> HttpResponse:
    """The whole page, or only its panel when htmx asks for it."""
    membership = request.membership
    context = {"membership": membership, "store": membership.store, "can_manage": membership.can_manage, **context}
    return render_page_or_fragment(request, template, partial, context, status=status)


@store_member_required()
def store_settings(request: HttpRequest, store_slug: str) -> HttpResponse:
    """Everyone in the store reads the settings; owners and admins change them."""
    membership = request.membership
    store = membership.store
    status = 200
    if request.method == "POST":
        membership_require(membership, manage=True)
        form = StoreForm(request.POST)
        if form.is_valid():
            try:
                store_update(
                    store=store,
                    actor=Actor.member(membership),
                    name=form.cleaned_data["name"],
                    currency=form.cleaned_data["currency"],
                    timezone_name=form.cleaned_data["timezone"],
                    domain=form.cleaned_data["storefront_domain"],
                    locale=form.cleaned_data["locale"] or None,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                # The rest of this response shows times in the zone just saved.
                timezone.activate(store.tzinfo)
                messages.success(request, "Store settings saved.")
                if not request.htmx:
                    return redirect("stores:settings", store_slug=store.slug)
        else:
            status = 400
    else:
        form = StoreForm(
            initial={
                "name": store.name,
                "currency": store.currency,
                "timezone": store.timezone,
                "storefront_domain": store.storefront_domain,
                "locale": store.locale,
            }
        )
    if not membership.can_manage:
        form.make_read_only()
    context = {"form": form, "section": "settings"}
    return _page(request, "stores/settings.html", "settings-panel", context, status=status)


def _member_rows(membership: Membership) -> list[dict]:
    """Each member with whether the viewer may change them (an admin cannot touch owners)."""
    rows = []
    for member in memberships_for_store(store=membership.store):
        editable = membership.can_manage and (member.role != Role.OWNER or membership.role == Role.OWNER)
        rows.append({"member": member, "editable": editable, "is_self": member.user_id == membership.user_id})
    return rows


def _members_page(request: HttpRequest, form: MemberAddForm, *, status: int = 200) -> HttpResponse:
    membership = request.membership
    context = {
        "form": form,
        "rows": _member_rows(membership),
        "role_choices": role_choices(actor_role=membership.role),
        "section": "members",
    }
    return _page(request, "stores/members.html", "members-panel", context, status=status)


@store_member_required()
def store_members(request: HttpRequest, store_slug: str) -> HttpResponse:
    """Everyone sees who is in the store; owners and admins add people who already have an account."""
    membership = request.membership
    form = MemberAddForm(request.POST or None, actor_role=membership.role)
    status = 200
    if request.method == "POST":
        membership_require(membership, manage=True)
        if form.is_valid():
            try:
                added = membership_add(
                    store=membership.store,
                    actor=Actor.member(membership),
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, f"{added.user.email} joined as {added.get_role_display().lower()}.")
                if not request.htmx:
                    return redirect("stores:members", store_slug=membership.store.slug)
                form = MemberAddForm(actor_role=membership.role)
        else:
            status = 400
    return _members_page(request, form, status=status)


@require_POST
@store_member_required(manage=True)
def member_change_role(request: HttpRequest, store_slug: str, membership_id: int) -> HttpResponse:
    membership = request.membership
    member = membership_get_for_store(store=membership.store, id=membership_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        raise ApplicationError("Choose owner, admin, marketer or analyst.", code="invalid_role")
    membership_change_role(membership=member, actor=Actor.member(membership), role=form.cleaned_data["role"])
    messages.success(request, f"{member.user.email} is now {member.get_role_display().lower()}.")
    if not request.htmx:
        return redirect("stores:members", store_slug=membership.store.slug)
    membership.refresh_from_db(fields=["role"])
    return _members_page(request, MemberAddForm(actor_role=membership.role))


@require_POST
@store_member_required(manage=True)
def member_remove(request: HttpRequest, store_slug: str, membership_id: int) -> HttpResponse:
    membership = request.membership
    member = membership_get_for_store(store=membership.store, id=membership_id)
    email = member.user.email
    left = member.pk == membership.pk
    membership_remove(membership=member, actor=Actor.member(membership))
    messages.success(request, f"You left {membership.store.name}." if left else f"{email} was removed.")
    if left:
        request.session.pop(SESSION_STORE_KEY, None)
        response = redirect("growth:overview")
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = "/hub/"
        return response
    if not request.htmx:
        return redirect("stores:members", store_slug=membership.store.slug)
    return _members_page(request, MemberAddForm(actor_role=membership.role))


def _api_keys_page(request: HttpRequest, form: ApiKeyForm, *, new_key: str = "", status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "keys": api_keys_for_store(store=request.membership.store),
        "new_key": new_key,
        "section": "api_keys",
    }
    response = _page(request, "stores/api_keys.html", "api-keys-panel", context, status=status)
    # The raw key is on this page once; no cache may keep it.
    add_never_cache_headers(response)
    return response


@store_member_required()
def store_api_keys(request: HttpRequest, store_slug: str) -> HttpResponse:
    """Everyone sees the keys (prefix, role, use); owners and admins create them and see the raw key once."""
    membership = request.membership
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST":
        membership_require(membership, manage=True)
        if not form.is_valid():
            return _api_keys_page(request, form, status=400)
        try:
            _key, raw_key = api_key_create(
                store=membership.store,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                created_by=request.user,
                actor=Actor.member(membership),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return _api_keys_page(request, form, status=exc.status_code)
        return _api_keys_page(request, ApiKeyForm(), new_key=raw_key, status=201)
    return _api_keys_page(request, form)


@require_POST
@store_member_required(manage=True)
def api_key_revoke_view(request: HttpRequest, store_slug: str, key_id: int) -> HttpResponse:
    membership = request.membership
    key = api_key_get_for_store(store=membership.store, id=key_id)
    api_key_revoke(key=key, actor=Actor.member(membership))
    messages.success(request, f"The key “{key.name}” is revoked; requests with it now get 401.")
    if not request.htmx:
        return redirect("stores:api_keys", store_slug=membership.store.slug)
    return _api_keys_page(request, ApiKeyForm())
