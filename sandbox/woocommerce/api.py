"""The sandbox WooCommerce REST API v3 at ``/sandbox/woocommerce/<handle>/wp-json/wc/v3/``.

Routes from https://woocommerce.github.io/woocommerce-rest-api-docs/: ``products`` (and ``/<id>``,
``/<id>/variations``), ``customers``, ``orders`` (and ``/<id>``, ``/<id>/refunds``), ``webhooks`` (and ``/<id>``),
``system_status`` and ``settings/general``; and WordPress's public REST index ``/wp-json/`` (the site's name and
time zone). Lists page with ``page`` and ``per_page`` (1–100, default 10) and
answer ``X-WP-Total`` and ``X-WP-TotalPages``; orders filter on ``after``, ``before``, ``modified_after``,
``modified_before`` (site time unless ``dates_are_gmt`` or an offset is given) and ``status``, and sort on
``orderby`` (date, id, modified) and ``order``. The sandbox's fault injection applies (``sandbox.endpoint``).
"""

import datetime as dt
import functools
import math
import secrets
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse

from platforms.constants import WOOCOMMERCE, currency_exponent
from sandbox.endpoint import api_endpoint, json_object
from sandbox.errors import SandboxError
from sandbox.models import WooCustomer, WooOrder, WooOrderStatus, WooProduct, WooSite, WooWebhook, WooWebhookStatus
from sandbox.woocommerce import services
from sandbox.woocommerce.auth import request_key
from sandbox.woocommerce.errors import WooError, invalid_id, invalid_param
from sandbox.woocommerce.resources import (
    CURRENCY_SYMBOLS,
    WOOCOMMERCE_VERSION,
    WORDPRESS_VERSION,
    customer_json,
    home_url,
    order_json,
    product_json,
    refund_json,
    variation_json,
    webhook_json,
)

View = Callable[..., HttpResponse]
ORDER_FIELDS = {"date": "date_created_gmt", "id": "id", "modified": "date_modified_gmt"}
PRODUCT_FIELDS = {**ORDER_FIELDS, "title": "name", "slug": "slug"}


def woo_api(methods: tuple[str, ...]) -> Callable[[View], View]:
    """A REST route of a site: fault injection, the method check, the site and the API key.

    The view is called with the site after the request; a WooError it raises becomes WooCommerce's answer.
    """

    def decorator(view: View) -> View:
        @api_endpoint(WOOCOMMERCE, auth=False)
        @functools.wraps(view)
        def wrapped(request: HttpRequest, handle: str, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise WooError("rest_no_route", "No route was found matching the URL and request method.", 404)
                site = WooSite.objects.filter(handle=handle).first()
                if site is None:
                    raise WooError("rest_no_route", "No route was found matching the URL and request method.", 404)
                request_key(request, site)
                return view(request, site, *args, **kwargs)
            except WooError as error:
                return error.response()

        return wrapped

    return decorator


def _int_param(request: HttpRequest, name: str, *, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
        raise invalid_param(name, f"{name} must be between {low} (inclusive) and {high} (inclusive)")
    return int(raw)


def _date_param(request: HttpRequest, name: str, site: WooSite) -> dt.datetime | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.replace(" ", "+"))
    except ValueError as exc:
        raise invalid_param(name, "Invalid date.") from exc
    if value.tzinfo is None:
        gmt = request.GET.get("dates_are_gmt", "") in ("1", "true")
        value = value.replace(tzinfo=dt.UTC if gmt else ZoneInfo(site.timezone_string))
    return value.astimezone(dt.UTC)


def _ordered(request: HttpRequest, queryset: QuerySet, fields: dict[str, str]) -> QuerySet:
    orderby = request.GET.get("orderby", "date")
    order = request.GET.get("order", "desc")
    if orderby not in fields:
        raise invalid_param("orderby", f"orderby is not one of {', '.join(fields)}.")
    if order not in ("asc", "desc"):
        raise invalid_param("order", "order is not one of asc, desc.")
    prefix = "-" if order == "desc" else ""
    return queryset.order_by(f"{prefix}{fields[orderby]}", f"{prefix}id")


def _filtered_by_dates(request: HttpRequest, queryset: QuerySet, site: WooSite) -> QuerySet:
    for param, lookup in (
        ("after", "date_created_gmt__gt"),
        ("before", "date_created_gmt__lt"),
        ("modified_after", "date_modified_gmt__gt"),
        ("modified_before", "date_modified_gmt__lt"),
    ):
        value = _date_param(request, param, site)
        if value is not None:
            queryset = queryset.filter(**{lookup: value})
    return queryset


def _statuses(request: HttpRequest, allowed: set[str]) -> list[str]:
    """``status=a,b`` or ``status[]=a&status[]=b``; ``any`` (the default) means no filter."""
    raw = request.GET.getlist("status[]") or request.GET.get("status", "any").split(",")
    statuses = {status.strip() for status in raw if status.strip()}
    if "any" in statuses:
        return []
    if not statuses <= allowed:
        raise invalid_param("status", f"status is not one of {', '.join(sorted(allowed))}, any.")
    return sorted(statuses)


def _page(request: HttpRequest, queryset: QuerySet, render: Callable[[Any], dict]) -> JsonResponse:
    per_page = _int_param(request, "per_page", default=10, low=1, high=100)
    page = _int_param(request, "page", default=1, low=1, high=10**6)
    total = queryset.count()
    items = [render(item) for item in queryset[(page - 1) * per_page : page * per_page]]
    pages = math.ceil(total / per_page)
    return JsonResponse(items, safe=False, headers={"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)})


def _object_id(raw: str, resource: str) -> int:
    if not raw.isdigit():
        raise invalid_id(resource)
    return int(raw)


# --- products --------------------------------------------------------------------------------------------------


@woo_api(("GET",))
def products(request: HttpRequest, site: WooSite) -> JsonResponse:
    queryset = WooProduct.objects.filter(site=site, parent__isnull=True).prefetch_related("variations")
    statuses = _statuses(request, {"draft", "pending", "private", "publish"})
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if request.GET.get("sku"):
        queryset = queryset.filter(sku__in=request.GET["sku"].split(","))
    queryset = _ordered(request, _filtered_by_dates(request, queryset, site), PRODUCT_FIELDS)
    return _page(
        request,
        queryset,
        lambda product: product_json(product, site, variation_ids=sorted(v.pk for v in product.variations.all())),
    )


def _product(site: WooSite, product_id: str) -> WooProduct:
    product = WooProduct.objects.filter(site=site, parent__isnull=True, pk=_object_id(product_id, "product")).first()
    if product is None:
        raise invalid_id("product")
    return product


@woo_api(("GET",))
def product(request: HttpRequest, site: WooSite, product_id: str) -> JsonResponse:
    return JsonResponse(product_json(_product(site, product_id), site))


@woo_api(("GET",))
def product_variations(request: HttpRequest, site: WooSite, product_id: str) -> JsonResponse:
    parent = _product(site, product_id)
    queryset = _ordered(request, _filtered_by_dates(request, parent.variations.all(), site), PRODUCT_FIELDS)
    return _page(request, queryset, lambda variation: variation_json(variation, site))


# --- customers -------------------------------------------------------------------------------------------------


@woo_api(("GET",))
def customers(request: HttpRequest, site: WooSite) -> JsonResponse:
    queryset = WooCustomer.objects.filter(site=site)
    if request.GET.get("email"):
        queryset = queryset.filter(email__iexact=request.GET["email"])
    orderby = request.GET.get("orderby", "id")
    if orderby not in ("id", "email", "registered_date"):
        raise invalid_param("orderby", "orderby is not one of id, email, registered_date.")
    prefix = "-" if request.GET.get("order", "asc") == "desc" else ""
    field = {"id": "id", "email": "email", "registered_date": "date_created_gmt"}[orderby]
    return _page(request, queryset.order_by(f"{prefix}{field}", "id"), lambda customer: customer_json(customer, site))


# --- orders and refunds ----------------------------------------------------------------------------------------


def _orders(site: WooSite) -> QuerySet:
    return WooOrder.objects.filter(site=site).select_related("site", "customer").prefetch_related("lines", "refunds")


@woo_api(("GET",))
def orders(request: HttpRequest, site: WooSite) -> JsonResponse:
    queryset = _filtered_by_dates(request, _orders(site), site)
    statuses = _statuses(request, set(WooOrderStatus.values))
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if request.GET.get("customer"):
        queryset = queryset.filter(customer_id=_object_id(request.GET["customer"], "customer"))
    return _page(request, _ordered(request, queryset, ORDER_FIELDS), order_json)


def _order(site: WooSite, order_id: str) -> WooOrder:
    order = _orders(site).filter(pk=_object_id(order_id, "shop_order")).first()
    if order is None:
        raise invalid_id("shop_order")
    return order


@woo_api(("GET",))
def order(request: HttpRequest, site: WooSite, order_id: str) -> JsonResponse:
    return JsonResponse(order_json(_order(site, order_id)))


def _minor_amount(raw: Any, currency: str) -> int:
    """A decimal amount string ("10.50") in minor units of ``currency``; anything else is refused."""
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise invalid_param("amount", "amount is not a decimal number.") from exc
    minor = value.scaleb(currency_exponent(currency))
    if not value.is_finite() or minor != minor.to_integral_value():
        raise invalid_param("amount", f"amount has more decimals than {currency} allows.")
    return int(minor)


def _refund_create(request: HttpRequest, site: WooSite, parent: WooOrder) -> JsonResponse:
    try:
        body = json_object(request.body or b"{}")
    except SandboxError as exc:
        raise WooError("rest_invalid_json", "Invalid JSON body passed.", 400) from exc
    reason = body.get("reason") or ""
    if not isinstance(reason, str) or len(reason) > 200:
        raise invalid_param("reason", "reason must be a string of at most 200 characters.")
    amount = _minor_amount(body["amount"], parent.currency) if body.get("amount") not in (None, "") else None
    line_quantities: dict[int, int] = {}
    for item in body.get("line_items") or []:
        if not isinstance(item, dict) or not str(item.get("id", "")).isdigit():
            raise invalid_param("line_items", "each line item needs the order line's id.")
        quantity = item.get("quantity", 1)
        if not isinstance(quantity, int) or isinstance(quantity, bool):
            raise invalid_param("line_items", "quantity must be an integer.")
        line_quantities[int(item["id"])] = quantity
    if amount is None and not line_quantities:
        raise WooError("woocommerce_rest_invalid_order_refund", "Refund amount must be greater than zero.", 400)
    try:
        refund = services.sandbox_woo_order_refund(
            handle=site.handle,
            order_id=parent.pk,
            amount_minor=amount,
            reason=reason,
            line_quantities=line_quantities or None,
        )
    except ValueError as exc:
        raise WooError("woocommerce_rest_cannot_create_order_refund", str(exc), 500) from exc
    return JsonResponse(refund_json(refund, _order(site, str(parent.pk))), status=201)


@woo_api(("GET", "POST"))
def order_refunds(request: HttpRequest, site: WooSite, order_id: str) -> JsonResponse:
    parent = _order(site, order_id)
    if request.method == "POST":
        return _refund_create(request, site, parent)
    queryset = parent.refunds.order_by("-date_created_gmt", "-id")
    return _page(request, queryset, lambda refund: refund_json(refund, parent))


# --- webhooks --------------------------------------------------------------------------------------------------


def _webhook_create(request: HttpRequest, site: WooSite) -> JsonResponse:
    try:
        body = json_object(request.body or b"{}")
    except SandboxError as exc:
        raise WooError("rest_invalid_json", "Invalid JSON body passed.", 400) from exc
    topic = body.get("topic")
    if not isinstance(topic, str) or not services.valid_webhook_topic(topic):
        raise WooError("woocommerce_rest_webhook_invalid_topic", "Webhook topic is required and must be valid.", 400)
    delivery_url = body.get("delivery_url")
    if (
        not isinstance(delivery_url, str)
        or len(delivery_url) > 2000
        or urlsplit(delivery_url).scheme not in ("http", "https")
        or not urlsplit(delivery_url).hostname
    ):
        raise WooError("woocommerce_rest_webhook_invalid_delivery_url", "Webhook delivery URL must be valid.", 400)
    name = body.get("name") or f"Webhook created on {dt.datetime.now(dt.UTC):%b %d, %Y @ %I:%M %p}"
    # Without a secret, WooCommerce makes one up (wp_generate_password), which the creator never learns.
    secret = body.get("secret") or secrets.token_urlsafe(38)[:50]
    status = body.get("status") or WooWebhookStatus.ACTIVE
    if not isinstance(name, str) or len(name) > 200:
        raise invalid_param("name", "name must be a string of at most 200 characters.")
    if not isinstance(secret, str) or len(secret) > 200:
        raise invalid_param("secret", "secret must be a string of at most 200 characters.")
    if status not in WooWebhookStatus.values:
        raise invalid_param("status", "status is not one of active, paused, disabled.")
    webhook = services.sandbox_woo_webhook_create(
        site=site, name=name, topic=topic, delivery_url=delivery_url, secret=secret, status=status
    )
    location = f"{home_url(site)}/wp-json/wc/v3/webhooks/{webhook.pk}"
    return JsonResponse(webhook_json(webhook), status=201, headers={"Location": location})


@woo_api(("GET", "POST"))
def webhooks(request: HttpRequest, site: WooSite) -> JsonResponse:
    if request.method == "POST":
        return _webhook_create(request, site)
    queryset = WooWebhook.objects.filter(site=site).select_related("site")
    statuses = _statuses(request, set(WooWebhookStatus.values))
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    return _page(request, _ordered(request, queryset, ORDER_FIELDS), webhook_json)


@woo_api(("GET", "DELETE"))
def webhook(request: HttpRequest, site: WooSite, webhook_id: str) -> JsonResponse:
    found = WooWebhook.objects.filter(site=site, pk=_object_id(webhook_id, "webhook")).select_related("site").first()
    if found is None:
        raise invalid_id("webhook")
    data = webhook_json(found)
    if request.method == "DELETE":
        # Webhooks are not trashed: WooCommerce deletes them only with force=true.
        if request.GET.get("force", "").lower() not in ("1", "true"):
            raise WooError("woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.", 501)
        services.sandbox_woo_webhook_delete(webhook=found)
    return JsonResponse(data)


# --- the site ---------------------------------------------------------------------------------------------------


@api_endpoint(WOOCOMMERCE, auth=False)
def site_index(request: HttpRequest, handle: str) -> JsonResponse:
    """WordPress's REST index ``GET /wp-json/``: public, the site's name, home and time zone (``timezone_string``,
    or only ``gmt_offset`` when the site is set to a fixed offset)."""
    site = WooSite.objects.filter(handle=handle).first()
    if site is None:
        return WooError("rest_no_route", "No route was found matching the URL and request method.", 404).response()
    home = home_url(site)
    return JsonResponse(
        {
            "name": site.name,
            "description": "",
            "url": home,
            "home": home,
            "gmt_offset": 0,
            "timezone_string": site.timezone_string,
            "namespaces": ["wp/v2", "wc/v3", "wc-auth/v1"],
        }
    )


# --- the store's settings --------------------------------------------------------------------------------------


@woo_api(("GET",))
def system_status(request: HttpRequest, site: WooSite) -> JsonResponse:
    """The parts of ``GET /system_status`` a client reads to learn the store.

    ``settings.timezone`` is the site's WordPress ``timezone_string``: real WooCommerce reports only PHP's default
    (UTC) in ``environment.default_timezone``, the site's own zone being a WordPress option.
    """
    home = home_url(site)
    return JsonResponse(
        {
            "environment": {
                "home_url": home,
                "site_url": home,
                "store_id": f"sandbox-{site.handle}",
                "version": WOOCOMMERCE_VERSION,
                "wp_version": WORDPRESS_VERSION,
                "wp_multisite": False,
                "language": "en_US",
                "default_timezone": "UTC",
            },
            "settings": {
                "api_enabled": True,
                "force_ssl": False,
                "currency": site.currency,
                "currency_symbol": CURRENCY_SYMBOLS.get(site.currency, site.currency),
                "currency_position": "left",
                "thousand_separator": ",",
                "decimal_separator": ".",
                "number_of_decimals": currency_exponent(site.currency),
                "timezone": site.timezone_string,
            },
            "active_plugins": [{"plugin": "woocommerce/woocommerce.php", "name": "WooCommerce"}],
        }
    )


def _setting(setting_id: str, label: str, value: str, kind: str = "text") -> dict[str, Any]:
    return {"id": setting_id, "label": label, "description": "", "type": kind, "default": "", "value": value}


@woo_api(("GET",))
def settings_general(request: HttpRequest, site: WooSite) -> JsonResponse:
    return JsonResponse(
        [
            _setting("woocommerce_store_address", "Address line 1", "1 Harbour Street"),
            _setting("woocommerce_store_city", "City", "Portland"),
            _setting("woocommerce_default_country", "Country / State", "US:OR", "select"),
            _setting("woocommerce_currency", "Currency", site.currency, "select"),
            _setting("woocommerce_currency_pos", "Currency position", "left", "select"),
            _setting("woocommerce_price_thousand_sep", "Thousand separator", ","),
            _setting("woocommerce_price_decimal_sep", "Decimal separator", "."),
            _setting("woocommerce_price_num_decimals", "Number of decimals", str(currency_exponent(site.currency))),
        ],
        safe=False,
    )
