"""The connections manager and the OAuth connect / callback / pick / disconnect flow (thin views)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from platforms.constants import PLATFORM_NAMES, SHOPIFY, STORE_PLATFORMS, WOOCOMMERCE
from platforms.registry import PLATFORMS
from stores.actors import Actor
from stores.connections.selectors import connection_get_for_store, connections_overview, oauth_pending_pick_get
from stores.connections.services import (
    DisconnectOutcome,
    connection_authorize_begin,
    connection_authorize_complete,
    connection_disconnect,
    connection_pick_ad_account,
    disconnect_message,
)
from stores.connections.services.store_consent import shopify_connection_begin, shopify_connection_complete
from stores.connections.services.woocommerce_consent import (
    KEYS_BODY_MAX,
    woocommerce_connection_begin,
    woocommerce_connection_paste,
    woocommerce_connection_returned,
    woocommerce_keys_receive,
)
from stores.exceptions import ApplicationError
from stores.htmx import render_page_or_fragment
from stores.models import Membership
from stores.permissions import store_member_required

HUB = "growth:overview"


def callback_uri(request: HttpRequest, platform: str) -> str:
    """The redirect URI registered with the platform: this site's callback for ``platform``."""
    return request.build_absolute_uri(reverse("stores:connection_callback", kwargs={"platform": platform}))


def _member(request: HttpRequest) -> Membership:
    """The membership ``store_member_required`` put on the request: the store and role the page acts for."""
    return request.membership


def _safe_target(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse(HUB)


@require_GET
@store_member_required()
def connections_page(request: HttpRequest) -> HttpResponse:
    """The full connections manager; htmx gets just the panel."""
    context = connections_overview(store=_member(request).store)
    return render_page_or_fragment(request, "stores/connections.html", "connections-panel", context)


@require_POST
@store_member_required(write=True)
def connection_connect(request: HttpRequest, platform: str) -> HttpResponse:
    """Start a consent (also the reconnect of an expired connection): off to the platform's consent page."""
    if platform not in PLATFORMS:
        raise Http404("No such platform.")
    url = connection_authorize_begin(
        store=_member(request).store,
        user=request.user,
        platform=platform,
        redirect_uri=callback_uri(request, platform),
        redirect_target=_safe_target(request, request.POST.get("next", "")),
    )
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_GET
@login_required
@ratelimit(key="ip", rate=lambda group, request: settings.OAUTH_CALLBACK_RATE, block=True)
def connection_callback(request: HttpRequest, platform: str) -> HttpResponse:
    """The platform sends the merchant back here; every outcome ends on the hub with a message."""
    if platform in STORE_PLATFORMS:
        return _store_callback(request, platform)
    if platform not in PLATFORMS:
        raise Http404("No such platform.")
    try:
        result = connection_authorize_complete(
            user=request.user,
            platform=platform,
            params=request.GET.dict(),
            redirect_uri=callback_uri(request, platform),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(HUB)
    if result.pending is not None:
        return redirect("stores:connection_pick", state_id=result.pending.pk)
    connection = result.connection
    messages.success(request, f"{PLATFORM_NAMES[platform]} is connected as {connection.external_account_name}.")
    return redirect(_safe_target(request, result.redirect_target))


@require_http_methods(["GET", "POST"])
@store_member_required(write=True)
def connection_pick(request: HttpRequest, state_id: int) -> HttpResponse:
    """Choose which ad account this connection manages, when the login manages several."""
    store = _member(request).store
    state = oauth_pending_pick_get(user=request.user, store=store, id=state_id)
    error = ""
    if request.method == "POST":
        try:
            connection = connection_pick_ad_account(
                user=request.user, store=store, state_id=state.pk, ad_account_id=request.POST.get("ad_account", "")
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(
                request, f"{PLATFORM_NAMES[connection.platform]} is connected with {connection.ad_account_name}."
            )
            return redirect(_safe_target(request, state.redirect_target))
    return render(
        request,
        "stores/connection_pick.html",
        {"state": state, "platform_name": PLATFORM_NAMES[state.platform], "error": error},
        status=400 if error else 200,
    )


@require_POST
@store_member_required(write=True)
def connection_disconnect_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    """Disconnect: revoke at the platform where it can and no other connection shares the grant, wipe the tokens,
    hold what depends on it."""
    membership = _member(request)
    store = membership.store
    connection = connection_get_for_store(store=store, id=connection_id)
    outcome = connection_disconnect(connection=connection, actor=Actor.member(membership))
    message = disconnect_message(outcome=outcome, platform=connection.platform)
    if outcome == DisconnectOutcome.REVOKED:
        messages.success(request, message)
    elif outcome == DisconnectOutcome.GRANT_KEPT:
        messages.info(request, message)
    else:
        messages.warning(request, message)
    if request.htmx:
        return render(request, "stores/connections.html#connections-panel", connections_overview(store=store))
    return redirect("stores:connections")


# -- store platforms -----------------------------------------------------------------------------------------


def _store_connected(request: HttpRequest, connection_name: str, platform: str) -> HttpResponse:
    messages.success(
        request,
        f"{PLATFORM_NAMES[platform]} is connected: {connection_name}. Its products and orders are being brought in.",
    )
    return redirect("stores:connections")


def _store_callback(request: HttpRequest, platform: str) -> HttpResponse:
    if platform == WOOCOMMERCE:
        returned = woocommerce_connection_returned(user=request.user, params=request.GET.dict())
        if returned.connection is None:
            messages.error(request, returned.message)
            return redirect("stores:connections")
        return _store_connected(request, returned.connection.external_account_name, WOOCOMMERCE)
    if platform != SHOPIFY:
        raise Http404("No such store platform.")
    try:
        connection = shopify_connection_complete(user=request.user, params=request.GET.dict())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("stores:connections")
    return _store_connected(request, connection.external_account_name, SHOPIFY)


@require_POST
@store_member_required(write=True)
def shopify_connect(request: HttpRequest) -> HttpResponse:
    """Start installing Growth Hub on the merchant's Shopify shop: off to Shopify's install page."""
    try:
        url = shopify_connection_begin(
            store=_member(request).store,
            user=request.user,
            shop=request.POST.get("account", "")[:500],
            redirect_uri=callback_uri(request, SHOPIFY),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("stores:connections")
    return _away(request, url)


def _away(request: HttpRequest, url: str) -> HttpResponse:
    """Off to another site's page (htmx follows ``HX-Redirect``)."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _woocommerce_submit(request: HttpRequest, *, keys_pasted: bool) -> HttpResponse:
    """Both WooCommerce forms, read one way: the site the merchant typed, and the consumer key and secret when they
    made a key pair in WooCommerce and pasted it (each field cut to its bound). Pasted keys connect at once; the site
    alone starts the key flow, off to its approval page, and the keys come to ``woocommerce_keys`` at this site's
    public address (SITE_URL: the store's server posts there). A refusal goes back to the connections page in words.
    """
    store, user = _member(request).store, request.user
    site_url = request.POST.get("site_url", "")[:500]
    try:
        if keys_pasted:
            connection = woocommerce_connection_paste(
                store=store,
                user=user,
                site_url=site_url,
                consumer_key=request.POST.get("consumer_key", "")[:200],
                consumer_secret=request.POST.get("consumer_secret", "")[:200],
            )
            return _store_connected(request, connection.external_account_name, WOOCOMMERCE)
        approval_url = woocommerce_connection_begin(
            store=store,
            user=user,
            site_url=site_url,
            return_url=callback_uri(request, WOOCOMMERCE),
            callback_url=settings.SITE_URL.rstrip("/") + reverse("stores:woocommerce_keys"),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("stores:connections")
    return _away(request, approval_url)


@require_POST
@store_member_required(write=True)
def woocommerce_connect(request: HttpRequest) -> HttpResponse:
    """Start the WooCommerce key flow for the site the merchant typed: off to its approval page."""
    return _woocommerce_submit(request, keys_pasted=False)


@csrf_exempt
@require_POST
@ratelimit(key="ip", rate=lambda group, request: settings.OAUTH_CALLBACK_RATE, block=True)
def woocommerce_keys(request: HttpRequest) -> HttpResponse:
    """The key pair a WooCommerce site POSTs once its merchant approved (no session: the one-time state in
    ``user_id`` is the credential). 200 only when the connection is saved; WooCommerce deletes the key otherwise."""
    try:
        woocommerce_keys_receive(body=request.body[: KEYS_BODY_MAX + 1])
    except ApplicationError as exc:
        return JsonResponse({"error": exc.code, "message": exc.message}, status=400)
    return JsonResponse({"outcome": "connected"})


@require_POST
@store_member_required(write=True)
def woocommerce_paste(request: HttpRequest) -> HttpResponse:
    """Connect with a consumer key and secret the merchant made in WooCommerce and pasted."""
    return _woocommerce_submit(request, keys_pasted=True)
