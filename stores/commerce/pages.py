"""The catalogue and orders pages of a store: thin, parse the query, call the selectors, render.

Products and orders a store platform owns are shown read-only, with the last sync time; a product's unit cost is
editable where the platform holds none (profit needs it)."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from stores.actors import Actor
from stores.commerce.catalogue import (
    order_get_for_store,
    orders_for_store,
    product_unit_cost_set,
    products_for_store,
    store_platform_statuses,
)
from stores.exceptions import ApplicationError
from stores.forms import OrderFilterForm, ProductFilterForm, UnitCostForm
from stores.htmx import render_page_or_fragment
from stores.permissions import MemberRequest, store_member_required
from stores.selectors import product_get_for_store

PAGE_SIZE = 50
# Page numbers past this answer the last page: no query string can ask for an unbounded offset.
MAX_PAGE = 10_000


def _paged(request: MemberRequest, rows: QuerySet[Any]) -> Page[Any]:
    paginator: Paginator[Any] = Paginator(rows, PAGE_SIZE)
    number = request.GET.get("page", "1")
    number = number if number.isdigit() and 0 < int(number) <= MAX_PAGE else "1"
    return paginator.get_page(number)


def _query_without_page(request: MemberRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _context(request: MemberRequest, section: str, **extra: object) -> dict:
    membership = request.membership
    return {
        "membership": membership,
        "store": membership.store,
        "section": section,
        "can_write": membership.can_write,
        "store_platforms": store_platform_statuses(store=membership.store),
        **extra,
    }


@store_member_required()
def products_page(request: MemberRequest, store_slug: str) -> HttpResponse:
    """The catalogue: image, price, stock, unit cost, status; searchable, 50 a page."""
    store = request.membership.store
    form = ProductFilterForm(request.GET or None)
    search, status, error = "", "", ""
    if form.is_bound and form.is_valid():
        search, status = form.cleaned_data["q"], form.cleaned_data["status"]
    elif form.is_bound:
        error = "; ".join(str(message) for messages in form.errors.values() for message in messages)
    try:
        page = _paged(request, products_for_store(store=store, search=search, status=status))
    except ApplicationError as exc:
        error, page = exc.message, _paged(request, products_for_store(store=store))
    context = _context(request, "products", form=form, page=page, error=error, query=_query_without_page(request))
    return render_page_or_fragment(
        request, "stores/products.html", "products-panel", context, status=400 if error else 200
    )


@store_member_required(write=True)
def product_unit_cost(request: MemberRequest, store_slug: str, product_id: int) -> HttpResponse:
    """POST a unit cost for one product; answers its catalogue row (htmx) or the catalogue page."""
    store = request.membership.store
    product = product_get_for_store(store=store, id=product_id)
    form = UnitCostForm(request.POST if request.method == "POST" else None)
    error, status = "", 200
    if request.method != "POST":
        error, status = "Send the unit cost with a POST.", 405
    elif not form.is_valid():
        error, status = "A unit cost is a number like 12.50 (at most 20 characters).", 400
    else:
        try:
            product = product_unit_cost_set(
                product=product, actor=Actor.member(request.membership), amount=form.cleaned_data["amount"]
            )
        except ApplicationError as exc:
            error, status = exc.message, exc.status_code
    row = products_for_store(store=store).get(pk=product.pk)  # with its variant count, as the list shows it
    context = _context(request, "products", product=row, row_error=error, saved=not error)
    return render(request, "stores/_product_row.html", context, status=status)


@store_member_required()
def orders_page(request: MemberRequest, store_slug: str) -> HttpResponse:
    """Orders newest first, filtered by the store's days and a search, 50 a page."""
    store = request.membership.store
    form = OrderFilterForm(request.GET or None)
    filters: dict = {}
    error = ""
    if form.is_bound and form.is_valid():
        filters = {k: form.cleaned_data[k] for k in ("since", "until")} | {"search": form.cleaned_data["q"]}
    elif form.is_bound:
        error = "; ".join(str(message) for messages in form.errors.values() for message in messages)
    try:
        page = _paged(request, orders_for_store(store=store, **filters))
    except ApplicationError as exc:
        error, page = exc.message, _paged(request, orders_for_store(store=store))
    context = _context(request, "orders", form=form, page=page, error=error, query=_query_without_page(request))
    return render_page_or_fragment(request, "stores/orders.html", "orders-panel", context, status=400 if error else 200)


@store_member_required()
def order_page(request: MemberRequest, store_slug: str, order_id: int) -> HttpResponse:
    """One order: its lines (with the cost each was sold at), discount codes, refunds, customer and landing data."""
    order = order_get_for_store(store=request.membership.store, id=order_id)
    context = _context(request, "orders", order=order)
    return render(request, "stores/order.html", context)
