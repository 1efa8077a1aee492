"""The social pages under /social/: calendar, planning, composer, post page, post list, retry and cancel."""

import datetime as dt
import json

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from social.bounds import page_number
from social.forms import FROM_CATALOGUE, CalendarForm, PostForm
from social.models import PostStatus
from social.selectors import (
    calendar_get_for_store,
    calendar_grid,
    platform_limits,
    post_get_for_store,
    post_metrics_series,
    posts_list,
    products_for_planning,
)
from social.services import (
    calendar_plan,
    calendar_plan_from_catalogue,
    calendar_schedule_all,
    post_cancel,
    post_create,
    post_publish_enqueue_on_commit,
    post_publish_now,
    post_retry,
    post_update,
)
from stores.actors import Actor
from stores.clock import store_today
from stores.exceptions import ApplicationError
from stores.htmx import render_page_or_fragment
from stores.models import Membership, Store
from stores.permissions import store_member_required
from stores.selectors import product_get_for_store

PAGE_SIZE = 50


def _member(request: HttpRequest) -> Membership:
    """The membership ``store_member_required`` put on the request: the store and role the page acts for."""
    return request.membership


def _anchor(request: HttpRequest, store: Store) -> dt.date:
    """The day the calendar opens on: ``?date=``, else the store's today (not the server's)."""
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return store_today(store=store)


@store_member_required()
def calendar(request: HttpRequest) -> HttpResponse:
    store = _member(request).store
    view = "month" if request.GET.get("view") == "month" else "week"
    context = calendar_grid(store=store, view=view, anchor=_anchor(request, store))
    return render_page_or_fragment(request, "social/calendar.html", "calendar-body", context)


@store_member_required(write=True)
def plan(request: HttpRequest) -> HttpResponse:
    membership = _member(request)
    store = membership.store
    products = [(p.id, p.title) for p in products_for_planning(store=store)]
    form = CalendarForm(request.POST or None, products=products)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = Actor.member(membership)
        try:
            if data["product"] == FROM_CATALOGUE:
                from_catalogue = calendar_plan_from_catalogue(
                    store=store,
                    days=data["days"],
                    posts_per_day=data["posts_per_day"],
                    platforms=data["platforms"],
                    start_date=data["start_date"],
                    actor=actor,
                )
                planned = from_catalogue.calendar
                messages.success(request, from_catalogue.message)
            else:
                planned = calendar_plan(
                    store=store,
                    product=product_get_for_store(store=store, id=data["product"]),
                    days=data["days"],
                    posts_per_day=data["posts_per_day"],
                    platforms=data["platforms"],
                    start_date=data["start_date"],
                    actor=actor,
                )
        except ApplicationError as refusal:
            form.add_error(None, refusal.message)  # shown on the form, with what the merchant entered
        else:
            return redirect("social:calendar_preview", calendar_id=planned.pk)
    status = 400 if form.errors else 200  # refused input answers 4xx, with the form showing why
    return render(request, "social/plan.html", {"form": form, "has_products": bool(products)}, status=status)


@store_member_required()
def calendar_preview(request: HttpRequest, calendar_id: int) -> HttpResponse:
    store = _member(request).store
    planned = calendar_get_for_store(store=store, id=calendar_id)
    posts = list(planned.posts.order_by("scheduled_at", "platform"))
    return render(request, "social/preview.html", {"calendar": planned, "posts": posts})


@require_POST
@store_member_required(write=True)
def calendar_schedule(request: HttpRequest, calendar_id: int) -> HttpResponse:
    membership = _member(request)
    planned = calendar_get_for_store(store=membership.store, id=calendar_id)
    counts = calendar_schedule_all(calendar=planned, actor=Actor.member(membership))
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
    membership = _member(request)
    store = membership.store
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            post = post_create(
                store=store,
                platform=data["platform"],
                caption=data["caption"],
                title=data["title"],
                media_kind=data["media_kind"],
                media_urls=data["media_urls"],
                link=data["link"],
                scheduled_at=data["scheduled_at"],
                actor=Actor.member(membership),
            )
            post_publish_enqueue_on_commit(post)  # a time that has already come goes out now, not at the sweep
        messages.success(request, "Post saved." if post.status == PostStatus.DRAFT else "Post scheduled.")
        return redirect("social:post", post_id=post.pk)
    return _composer(request, form)


@store_member_required(write=True)
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    membership = _member(request)
    store = membership.store
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
        with transaction.atomic():
            post = post_update(
                post=post,
                caption=data["caption"],
                title=data["title"],
                media_urls=data["media_urls"],
                link=data["link"],
                scheduled_at=data["scheduled_at"],
                actor=Actor.member(membership),
            )
            post_publish_enqueue_on_commit(post)  # a held post edited after its time goes out now
        messages.success(request, "Post updated.")
        return redirect("social:post", post_id=post.pk)
    return _composer(request, form, post)


@store_member_required()
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = post_get_for_store(store=_member(request).store, id=post_id)
    context = {
        "post": post,
        "series_json": json.dumps(post_metrics_series(post=post)),
        "events": list(post.events.select_related("actor_user").order_by("-created_at", "-id")[:50]),
        "attempts": list(post.attempts.order_by("-number")[:20]),
    }
    return render(request, "social/post.html", context)


@store_member_required()
def post_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in PostStatus.values else ""
    page = page_number(request.GET.get("page"))
    rows = list(posts_list(store=_member(request).store, status=status)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    context = {
        "posts": rows[:PAGE_SIZE],
        "status": status,
        "statuses": PostStatus.choices,
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
    }
    return render_page_or_fragment(request, "social/posts.html", "post-list", context)


@require_POST
@store_member_required(write=True)
def post_retry_view(request: HttpRequest, post_id: int) -> HttpResponse:
    membership = _member(request)
    post = post_get_for_store(store=membership.store, id=post_id)
    with transaction.atomic():
        post = post_retry(post=post, actor=Actor.member(membership))
        post_publish_enqueue_on_commit(post)
    messages.success(request, "Queued again; it is looked up at the platform before anything is sent twice.")
    return redirect("social:post", post_id=post.pk)


@require_POST
@store_member_required(write=True)
def post_cancel_view(request: HttpRequest, post_id: int) -> HttpResponse:
    membership = _member(request)
    post = post_get_for_store(store=membership.store, id=post_id)
    post = post_cancel(post=post, actor=Actor.member(membership))
    messages.success(request, "Post cancelled.")
    return redirect("social:post", post_id=post.pk)


@require_POST
@store_member_required(write=True)
def post_publish_now_view(request: HttpRequest, post_id: int) -> HttpResponse:
    membership = _member(request)
    post = post_get_for_store(store=membership.store, id=post_id)
    with transaction.atomic():
        post = post_publish_now(post=post, actor=Actor.member(membership))
        post_publish_enqueue_on_commit(post)
    messages.success(request, "Queued to publish now.")
    return redirect("social:post", post_id=post.pk)
