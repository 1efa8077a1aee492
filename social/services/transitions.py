"""The one place a post changes status: every change is recorded as a PostEvent with its actor and reason."""

from typing import Any

from social.models import PostEvent, PostStatus, SocialPost
from stores.actors import Actor

# Growth Hub's own parts that move posts, as their events name them.
PUBLISHER = Actor.system("publisher")
PREFLIGHT = Actor.system("preflight")
RECONCILIATION = Actor.system("reconciliation")
CONNECTION = Actor.system("connection")  # a connection went bad or came back

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
    actor: Actor,
    reason: str = "",
    **fields: Any,
) -> SocialPost:
    """Move ``post`` to ``to`` saving ``fields`` with it, and log the event ``actor`` caused. Call inside the caller's
    transaction."""
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
        reason=reason[:2000],
        **actor.row_fields(),
    )
    return post


def post_hold(*, post: SocialPost, reason: str, code: str, actor: Actor) -> SocialPost:
    """Hold ``post`` with ``reason`` shown to the merchant. ``code`` (kept as ``failure_reason``) says what lets it
    go again: a connection hold is released by a reconnect, a pre-flight hold by the merchant's edit."""
    fields = {"hold_reason": reason, "failure_reason": code}
    return post_transition(post=post, to=PostStatus.HELD, actor=actor, reason=reason, **fields)
