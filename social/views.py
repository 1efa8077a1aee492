"""The social pages under /social/: calendar, planning, composer, post page, post list, retry and cancel."""

import datetime as dt
import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from social.bounds import page_number
from social.forms import CalendarForm, PostForm
from social.models import PostStatus
from social.selectors import (
    calendar_get_for_store,
    calendar_grid,
    platform_limits,
    post_get_for_store,
    post_metrics_series,
    posts_list,
    product_get_for_store,
    products_for_planning,
)
from social.services import (
    calendar_plan,
    calendar_schedule_all,
    post_cancel,
    post_create,
    post_retry,
    post_update,
)
from stores.clock import store_today
from stores.models import Store
from stores.permissions import store_member_required

PAGE_SIZE = 50


def _anchor(request: HttpRequest, store: Store) -> dt.date:
    """The day the calendar opens on: ``?date=``, else the store's today (not the server's)."""
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return store_today(store=store)


@store_member_required()
def calendar(request: HttpRequest) -> HttpResponse:
    store = request.membership.store
    view = "month" if request.GET.get("view") == "month" else "week"
    context = calendar_grid(store=store, view=view, anchor=_anchor(request, store))
    template = "social/calendar.html#calendar-body" if request.htmx else "social/calendar.html"
    return render(request, template, context)


@store_member_required(write=True)
def plan(request: HttpRequest) -> HttpResponse:
    store = request.membership.store
    products = [(p.id, p.title) for p in products_for_planning(store=store)]
    form = CalendarForm(request.POST or None, products=products)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        planned = calendar_plan(
            store=store,
            product=product_get_for_store(store=store, id=data["product"]),
            days=data["days"],
            posts_per_day=data["posts_per_day"],
            platforms=data["platforms"],
            start_date=data["start_date"],
            actor=request.user,
        )
        return redirect("social:calendar_preview", calendar_id=planned.pk)
    status = 400 if form.errors else 200  # refused input answers 4xx, with the form showing why
    return render(request, "social/plan.html", {"form": form, "has_products": bool(products)}, status=status)


@store_member_required()
def calendar_preview(request: HttpRequest, calendar_id: int) -> HttpResponse:
    store = request.membership.store
    planned = calendar_get_for_store(store=store, id=calendar_id)
    posts = list(planned.posts.order_by("scheduled_at", "platform"))
    return render(request, "social/preview.html", {"calendar": planned, "posts": posts})


@require_POST
@store_member_required(write=True)
def calendar_schedule(request: HttpRequest, calendar_id: int) -> HttpResponse:
    planned = calendar_get_for_store(store=request.membership.store, id=calendar_id)
    counts = calendar_schedule_all(calendar=planned, actor=request.user)
    text = f"{counts['scheduled']} posts scheduled."
    if counts["held"]:
        text += f" {counts['held']} held: connect their platforms to publish them."
    messages.success(request, text)
    return redirect(f"{reverse('social:calendar')}?date={planned.start_date.isoformat()}")


def _composer(request: HttpRequest, form: PostForm, post: object = None) -> HttpResponse:
    return render(
        request,
        "social/compose.html",
        {"form": form, "post": post, "limits_json": json.dumps(platform_limits())},
        status=400 if form.errors else 200,  # refused input answers 4xx, with the form showing why
    )


@store_member_required(write=True)
def compose(request: HttpRequest) -> HttpResponse:
    store = request.membership.store
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        post = post_create(
            store=store,
            platform=data["platform"],
            caption=data["caption"],
            title=data["title"],
            media_kind=data["media_kind"],
            media_urls=data["media_urls"],
            link=data["link"],
            scheduled_at=data["scheduled_at"],
            actor=request.user,
        )
        messages.success(request, "Post saved." if post.status == PostStatus.DRAFT else "Post scheduled.")
        return redirect("social:post", post_id=post.pk)
    return _composer(request, form)


@store_member_required(write=True)
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    store = request.membership.store
    post = post_get_for_store(store=store, id=post_id)
    initial = {
        "platform": post.platform,
        "title": post.title,
        "caption": post.caption,
        "media_kind": post.media_kind,
        "media_urls": "\n".join(post.media_urls),
        "link": post.link,
        "scheduled_at": post.scheduled_at,
    }
    form = PostForm(request.POST or None, initial=initial)
    # Sent back unchanged, the post's time keeps its instant even inside the hour a DST change repeats.
    form.fields["scheduled_at"].keep = post.scheduled_at
    form.fields["platform"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        post_update(
            post=post,
            caption=data["caption"],
            title=data["title"],
            media_urls=data["media_urls"],
            link=data["link"],
            scheduled_at=data["scheduled_at"],
            actor=request.user,
        )
        messages.success(request, "Post updated.")
        return redirect("social:post", post_id=post.pk)
    return _composer(request, form, post)


@store_member_required()
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_get_for_store(store=request.membership.store, id=post_id)
    context = {
        "post": post,
        "series_json": json.dumps(post_metrics_series(post=post)),
        "events": list(post.events.select_related("actor").order_by("-created_at", "-id")[:50]),
        "attempts": list(post.attempts.order_by("-number")[:20]),
    }
    return render(request, "social/post.html", context)


@store_member_required()
def post_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in PostStatus.values else ""
    page = page_number(request.GET.get("page"))
    rows = list(
        posts_list(store=request.membership.store, status=status)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1]
    )
    context = {
        "posts": rows[:PAGE_SIZE],
        "status": status,
        "statuses": PostStatus.choices,
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
    }
    template = "social/posts.html#post-list" if request.htmx else "social/posts.html"
    return render(request, template, context)


@require_POST
@store_member_required(write=True)
def post_retry_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_retry(post=post_get_for_store(store=request.membership.store, id=post_id), actor=request.user)
    messages.success(request, "Queued again; it is looked up at the platform before anything is sent twice.")
    return redirect("social:post", post_id=post.pk)


@require_POST
@store_member_required(write=True)
def post_cancel_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_cancel(post=post_get_for_store(store=request.membership.store, id=post_id), actor=request.user)
    messages.success(request, "Post cancelled.")
    return redirect("social:post", post_id=post.pk)
