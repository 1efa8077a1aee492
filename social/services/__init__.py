"""Services of the social app: planning, the post lifecycle, publishing and engagement sync."""

from social.services.engagement import engagement_sync, posts_due_for_metrics
from social.services.planning import (
    CataloguePlan,
    ChosenProduct,
    calendar_plan,
    calendar_plan_from_catalogue,
    calendar_schedule_all,
)
from social.services.posts import (
    post_cancel,
    post_create,
    post_publish_now,
    post_retry,
    post_schedule,
    post_staff_hold,
    post_staff_release,
    post_update,
    posts_hold_for_connection,
    posts_release_for_connection,
)
from social.services.publishing import (
    PublishResult,
    post_preflight,
    post_publish,
    post_publish_enqueue_on_commit,
    posts_dispatch_due,
    posts_preflight_upcoming,
    publishing_watchdog,
)
from social.services.reconciliation import ReconcileResult, post_reconcile, posts_unconfirmed_due

__all__ = [
    "CataloguePlan",
    "ChosenProduct",
    "PublishResult",
    "ReconcileResult",
    "calendar_plan",
    "calendar_plan_from_catalogue",
    "calendar_schedule_all",
    "engagement_sync",
    "post_cancel",
    "post_create",
    "post_preflight",
    "post_publish",
    "post_publish_enqueue_on_commit",
    "post_publish_now",
    "post_reconcile",
    "post_retry",
    "post_schedule",
    "post_staff_hold",
    "post_staff_release",
    "post_update",
    "posts_dispatch_due",
    "posts_due_for_metrics",
    "posts_hold_for_connection",
    "posts_preflight_upcoming",
    "posts_release_for_connection",
    "posts_unconfirmed_due",
    "publishing_watchdog",
]
