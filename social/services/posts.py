"""The post lifecycle a merchant drives: compose, edit, schedule, cancel, retry; and holding posts whose
connection went bad (called by the connections flow through growth)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from platforms.captions import caption_problems
from social.bounds import schedule_check
from social.models import (
    CAPTION_MAX_LENGTH,
    LINK_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    UNCERTAIN_OUTCOMES,
    MediaKind,
    PostStatus,
    PublishAttempt,
    SocialPost,
    hashtags_problems,
    media_urls_problems,
)
from social.services.loops import post_record_loop_failure
from social.services.transitions import CONNECTION, post_hold, post_transition
from stores.actors import SYSTEM, Actor
from stores.connections.selectors import connection_for
from stores.exceptions import ApplicationError
from stores.models import ConnectionStatus, PlatformConnection, Product, Store

RECONNECT = "reconnect"  # failure_reason of a post whose token the platform refused
CONNECTION_HOLD = "connection"  # failure_reason of a post held because its connection went bad
STAFF_HOLD = "staff"  # failure_reason of a post Growth Hub staff held in the admin; released there or by an edit


def _validate(
    *,
    platform: str,
    caption: str,
    title: str,
    media_urls: list[str],
    media_kind: str,
    hashtags: list[str] | None = None,
    link: str = "",
) -> None:
    """The model's absolute caps first (a huge text is refused before any platform rule reads it), then the
    platform's own limits."""
    problems = []
    if len(caption) > CAPTION_MAX_LENGTH:
        problems.append(f"The caption is {len(caption):,} characters; a post has at most {CAPTION_MAX_LENGTH:,}.")
    if len(title) > TITLE_MAX_LENGTH:
        problems.append(f"The title is {len(title):,} characters; a post has at most {TITLE_MAX_LENGTH}.")
    if len(link) > LINK_MAX_LENGTH:
        problems.append(f"The link is {len(link):,} characters; a post's link has at most {LINK_MAX_LENGTH:,}.")
    problems += media_urls_problems(media_urls) + hashtags_problems(hashtags or [])
    if problems:
        raise ApplicationError(" ".join(problems), code="invalid_post")
    problems = caption_problems(platform, caption=caption, title=title)
    if not media_urls:
        problems.append("Add at least one image or video URL.")
    if media_kind not in MediaKind.values:
        problems.append("Choose image, video or carousel.")
    if problems:
        raise ApplicationError(" ".join(problems), code="invalid_post")


@transaction.atomic
def post_create(
    *,
    store: Store,
    platform: str,
    caption: str,
    media_urls: list[str],
    actor: Actor = SYSTEM,
    title: str = "",
    media_kind: str = MediaKind.IMAGE,
    link: str = "",
    hashtags: list[str] | None = None,
    product: Product | None = None,
    scheduled_at: dt.datetime | None = None,
) -> SocialPost:
    """A new draft post; with ``scheduled_at`` it is scheduled at once."""
    if platform not in dict(SocialPost._meta.get_field("platform").choices):
        raise ApplicationError("Choose TikTok, Instagram, Pinterest or X.", code="invalid_platform")
    _validate(
        platform=platform,
        caption=caption,
        title=title,
        media_urls=media_urls,
        media_kind=media_kind,
        hashtags=hashtags,
        link=link,
    )
    if scheduled_at is not None:
        schedule_check(store=store, scheduled_at=scheduled_at)
    post = SocialPost.objects.create(
        store=store,
        product=product,
        platform=platform,
        connection=connection_for(store=store, platform=platform),
        caption=caption,
        title=title,
        media_kind=media_kind,
        media_urls=media_urls,
        link=link,
        hashtags=hashtags or [],
        created_by=actor.user,
    )
    post_transition(post=post, to=PostStatus.DRAFT, actor=actor, reason="Created.")
    if scheduled_at is not None:
        post = post_schedule(post=post, scheduled_at=scheduled_at, actor=actor)
    return post


@transaction.atomic
def post_update(
    *,
    post: SocialPost,
    caption: str,
    title: str = "",
    media_urls: list[str] | None = None,
    link: str | None = None,
    scheduled_at: dt.datetime | None = None,
    actor: Actor = SYSTEM,
) -> SocialPost:
    """Edit a post that has not gone out. A held post is re-queued: the merchant fixed what pre-flight found."""
    post = SocialPost.objects.select_for_update().get(pk=post.pk)
    if not post.can_edit:
        raise ApplicationError(f"A {post.get_status_display().lower()} post cannot be edited.", code="not_editable")
    media_urls = media_urls if media_urls is not None else post.media_urls
    _validate(
        platform=post.platform,
        caption=caption,
        title=title,
        media_urls=media_urls,
        media_kind=post.media_kind,
        link=link if link is not None else post.link,
    )
    if scheduled_at is not None and scheduled_at != post.scheduled_at:
        # A changed time is checked; the post's own time sent back unchanged is kept even once it has passed
        # (a held post edited after its time goes out at once).
        schedule_check(store=post.store, scheduled_at=scheduled_at)
    post.caption, post.title, post.media_urls = caption, title, media_urls
    if link is not None:
        post.link = link
    if scheduled_at is not None:
        post.scheduled_at = scheduled_at
    post.preflight_checked_at = None
    post.save(
        update_fields=["caption", "title", "media_urls", "link", "scheduled_at", "preflight_checked_at", "updated_at"]
    )
    if post.status == PostStatus.HELD:
        post = post_schedule(post=post, actor=actor, scheduled_at=post.scheduled_at, reason="Edited after a hold.")
    return post


def _settled_at(post: SocialPost) -> dt.datetime | None:
    """When the post's last send that went unanswered (or the moment it became unconfirmed) has settled at the
    platform: before then a look-up's "not there" proves nothing, so no attempt may start earlier."""
    last = (
        PublishAttempt.objects.filter(post=post, outcome__in=UNCERTAIN_OUTCOMES)
        .order_by("-number")
        .values_list("finished_at", "started_at")
        .first()
    )
    moments = [moment for moment in (*(last or ()), post.unconfirmed_since) if moment is not None]
    if not moments:
        return None
    return max(moments) + dt.timedelta(seconds=settings.SOCIAL_AMBIGUOUS_SETTLE_SECONDS)


@transaction.atomic
def post_schedule(
    *,
    post: SocialPost,
    scheduled_at: dt.datetime | None = None,
    actor: Actor = SYSTEM,
    reason: str = "Scheduled.",
) -> SocialPost:
    """Queue a draft, held, failed (or, from ``post_retry``, unconfirmed) post for ``scheduled_at`` (default: its
    time, or now when that has passed); not before an unanswered earlier send has settled."""
    post = SocialPost.objects.select_for_update().get(pk=post.pk)
    schedulable = (PostStatus.DRAFT, PostStatus.HELD, PostStatus.FAILED, PostStatus.SCHEDULED, PostStatus.UNCONFIRMED)
    if post.status not in schedulable:
        raise ApplicationError(
            f"A {post.get_status_display().lower()} post cannot be scheduled.", code="not_schedulable"
        )
    when = scheduled_at or post.scheduled_at or timezone.now()
    if post.connection_id is None:
        post.connection = connection_for(store=post.store, platform=post.platform)
        post.save(update_fields=["connection"])
    if post.connection is None:
        raise ApplicationError(
            f"Connect {post.get_platform_display()} before scheduling posts to it.", code="no_connection"
        )
    settled_at = _settled_at(post)
    return post_transition(
        post=post,
        to=PostStatus.SCHEDULED,
        actor=actor,
        reason=reason,
        scheduled_at=when,
        next_attempt_at=settled_at if settled_at is not None and settled_at > timezone.now() else None,
        hold_reason="",
        failure_reason="",
        preflight_checked_at=None,
    )


@transaction.atomic
def post_cancel(*, post: SocialPost, actor: Actor = SYSTEM) -> SocialPost:
    post = SocialPost.objects.select_for_update().get(pk=post.pk)
    if not post.can_cancel:
        raise ApplicationError(
            f"A {post.get_status_display().lower()} post cannot be cancelled.", code="not_cancellable"
        )
    return post_transition(post=post, to=PostStatus.CANCELLED, actor=actor, reason="Cancelled.")


@transaction.atomic
def post_retry(
    *,
    post: SocialPost,
    actor: Actor = SYSTEM,
    reason: str = "Retry requested.",
) -> SocialPost:
    """Queue a failed, held or unconfirmed post again, due now, with the retry policy's full budget of attempts.

    The attempts made so far stay on record (and keep their numbers); one whose answer never came, or a post that
    was unconfirmed, still makes the next attempt look the post up at the platform first (and not before the
    unanswered send has settled), so a retry never sends a post the platform already holds.
    """
    post = SocialPost.objects.select_for_update().get(pk=post.pk)
    if not post.can_retry:
        raise ApplicationError(f"A {post.get_status_display().lower()} post cannot be retried.", code="not_retryable")
    if post.connection is not None and post.connection.status != ConnectionStatus.ACTIVE:
        raise ApplicationError(
            f"Reconnect {post.get_platform_display()} first: the connection is {post.connection.status}.",
            code=RECONNECT,
        )
    post.attempts_at_retry = post.attempt_count
    post.save(update_fields=["attempts_at_retry", "updated_at"])
    return post_schedule(post=post, scheduled_at=timezone.now(), actor=actor, reason=reason)


@transaction.atomic
def post_publish_now(*, post: SocialPost, actor: Actor = SYSTEM) -> SocialPost:
    """Queue a draft, scheduled, held, failed or unconfirmed post to go out now with the retry policy's full budget
    of attempts (``SOCIAL_PUBLISH_MAX_ATTEMPTS``), whatever it used before. A failed, held or unconfirmed post is
    retried (``post_retry``: refused while its connection is not active; looked up first when in doubt)."""
    post = SocialPost.objects.select_for_update().get(pk=post.pk)
    if post.can_retry:
        return post_retry(post=post, actor=actor, reason="Publish now requested.")
    if post.status not in (PostStatus.DRAFT, PostStatus.SCHEDULED):
        raise ApplicationError(
            f"A {post.get_status_display().lower()} post cannot be published now.", code="not_schedulable"
        )
    post.attempts_at_retry = post.attempt_count
    post.save(update_fields=["attempts_at_retry", "updated_at"])
    return post_schedule(post=post, scheduled_at=timezone.now(), actor=actor, reason="Publish now requested.")


@transaction.atomic
def post_staff_hold(*, post: SocialPost, actor: Actor) -> SocialPost:
    """Growth Hub staff stop a draft, scheduled or failed post from going out until they release it."""
    post = SocialPost.objects.select_for_update().get(pk=post.pk)
    if post.status not in (PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.FAILED):
        raise ApplicationError(f"A {post.get_status_display().lower()} post cannot be held.", code="not_holdable")
    return post_hold(post=post, reason="Held by Growth Hub staff.", code=STAFF_HOLD, actor=actor)


@transaction.atomic
def post_staff_release(*, post: SocialPost, actor: Actor) -> SocialPost:
    """Queue a held post again at its time (now when that has passed); pre-flight checks it again before then."""
    post = SocialPost.objects.select_for_update().get(pk=post.pk)
    if post.status != PostStatus.HELD:
        raise ApplicationError(f"A {post.get_status_display().lower()} post is not held.", code="not_held")
    return post_schedule(post=post, actor=actor, reason="Released by Growth Hub staff.")


@transaction.atomic
def posts_hold_for_connection(*, connection: PlatformConnection, reason: str) -> int:
    """Hold every queued post of a connection that went bad; returns how many were held."""
    posts = SocialPost.objects.select_for_update().filter(connection=connection, status=PostStatus.SCHEDULED)
    count = 0
    for post in posts:
        try:
            with transaction.atomic():  # a savepoint: one post's failure undoes only that post
                post_hold(post=post, reason=reason, code=CONNECTION_HOLD, actor=CONNECTION)
        except Exception as error:  # noqa: BLE001 - recorded on the post; the connection's other posts are held
            post_record_loop_failure(post_id=post.pk, loop="connection_hold", error=error)
            continue
        count += 1
    return count


@transaction.atomic
def posts_release_for_connection(*, connection: PlatformConnection) -> int:
    """After a reconnect, queue again the posts held (or failed) because of the connection; returns how many. Its
    unconfirmed posts are made due for their next look-up."""
    posts = (
        SocialPost.objects.select_for_update()
        .filter(connection=connection)
        .filter(status__in=[PostStatus.HELD, PostStatus.FAILED])
    )
    count = 0
    now = timezone.now()
    for post in posts:
        if post.failure_reason not in (RECONNECT, CONNECTION_HOLD):
            continue
        try:
            with transaction.atomic():  # a savepoint: one post's failure undoes only that post
                post_transition(
                    post=post,
                    to=PostStatus.SCHEDULED,
                    actor=CONNECTION,
                    reason="Connection restored.",
                    hold_reason="",
                    failure_reason="",
                    scheduled_at=max(post.scheduled_at or now, now),
                    next_attempt_at=None,
                )
        except Exception as error:  # noqa: BLE001 - recorded on the post; the connection's other posts are released
            post_record_loop_failure(post_id=post.pk, loop="connection_release", error=error)
            continue
        count += 1
    # Unconfirmed posts waiting for the connection are looked up at the next reconciliation run, not after their
    # backoff (they stay unconfirmed: only the platform's answer ends them).
    SocialPost.objects.filter(connection=connection, status=PostStatus.UNCONFIRMED, next_attempt_at__gt=now).update(
        next_attempt_at=now
    )
    return count
