"""The one place a post changes status: every change is recorded as a PostEvent with its cause and reason."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from social.models import PostEvent, PostStatus, SocialPost

# Which status may follow which; anything else is a bug in the caller.
ALLOWED: dict[str, set[str]] = {
    PostStatus.DRAFT: {PostStatus.SCHEDULED, PostStatus.HELD, PostStatus.CANCELLED},
    PostStatus.SCHEDULED: {PostStatus.PUBLISHING, PostStatus.HELD, PostStatus.CANCELLED, PostStatus.DRAFT},
    PostStatus.HELD: {PostStatus.SCHEDULED, PostStatus.CANCELLED, PostStatus.HELD},
    PostStatus.PUBLISHING: {
        PostStatus.PUBLISHED,
        PostStatus.SCHEDULED,
        PostStatus.FAILED,
        PostStatus.HELD,
        PostStatus.UNCONFIRMED,
    },
    # Neither edited nor cancelled: it may be live, and an edit would stop the look-up from recognising it.
    PostStatus.UNCONFIRMED: {PostStatus.PUBLISHED, PostStatus.FAILED, PostStatus.SCHEDULED},
    PostStatus.FAILED: {PostStatus.SCHEDULED, PostStatus.CANCELLED, PostStatus.HELD},
    PostStatus.PUBLISHED: set(),
    PostStatus.CANCELLED: set(),
}


def post_transition(
    *,
    post: SocialPost,
    to: str,
    source: str,
    reason: str = "",
    actor: AbstractBaseUser | None = None,
    **fields: Any,
) -> SocialPost:
    """Move ``post`` to ``to`` saving ``fields`` with it, and log the event. Call inside the caller's transaction."""
    if to != post.status and to not in ALLOWED[post.status]:
        raise ValueError(f"A {post.status} post cannot become {to}.")
    previous = post.status
    post.status = to
    for name, value in fields.items():
        setattr(post, name, value)
    post.save(update_fields=["status", "updated_at", *fields])
    PostEvent.objects.create(
        store_id=post.store_id,
        post=post,
        from_status=previous,
        to_status=to,
        actor=actor if actor is not None and actor.is_authenticated else None,
        source=source,
        reason=reason[:2000],
    )
    return post


def post_hold(
    *, post: SocialPost, reason: str, code: str, source: str, actor: AbstractBaseUser | None = None
) -> SocialPost:
    """Hold ``post`` with ``reason`` shown to the merchant. ``code`` (kept as ``failure_reason``) says what lets it
    go again: a connection hold is released by a reconnect, a pre-flight hold by the merchant's edit."""
    fields = {"hold_reason": reason, "failure_reason": code}
    return post_transition(post=post, to=PostStatus.HELD, source=source, actor=actor, reason=reason, **fields)
