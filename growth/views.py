from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from growth.hub import hub_tab_context
from stores.permissions import store_member_required


def _render_tab(request: HttpRequest, slug: str) -> HttpResponse:
    """One URL per tab: the whole page, or just the tab fragment when htmx asks for it."""
    context = hub_tab_context(store=request.membership.store, slug=slug)
    template = "growth/hub.html#hub-body" if request.htmx else "growth/hub.html"
    return render(request, template, context)


@store_member_required()
def overview(request: HttpRequest) -> HttpResponse:
    return _render_tab(request, "overview")


@store_member_required()
def social(request: HttpRequest) -> HttpResponse:
    return _render_tab(request, "social")


@store_member_required()
def ads(request: HttpRequest) -> HttpResponse:
    return _render_tab(request, "ads")


@store_member_required()
def analytics(request: HttpRequest) -> HttpResponse:
    return _render_tab(request, "analytics")


@store_member_required()
def automation(request: HttpRequest) -> HttpResponse:
    return _render_tab(request, "automation")
