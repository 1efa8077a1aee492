"""State changes of the ads app, split by sub-domain; import from here."""

from ads.services.creation import (
    ad_settings_problems,
    campaign_create,
    campaign_create_with_creative,
    campaign_end_for,
    creative_create,
    last_day_range,
)
from ads.services.creation_push import CreationInterrupted, campaign_creation_failed, campaign_push_creation
from ads.services.generated import (
    CreativeDraft,
    campaign_create_for_product,
    creative_draft_for_product,
    product_for_ads,
)
from ads.services.guardrails import (
    ad_settings_create,
    ad_settings_for_store,
    ad_settings_update,
    committed_daily_budget,
)
from ads.services.lifecycle import campaign_complete, campaigns_complete_due
from ads.services.outbox import changes_overdue, creations_overdue, outbox_deliver
from ads.services.pushing import (
    PushOutcome,
    campaign_action_apply,
    campaign_changes_push,
    campaign_of_action,
    campaign_push_defer,
)
from ads.services.remote import campaign_spec, campaign_utm_value
from ads.services.transitions import (
    TransitionRefused,
    campaign_archive,
    campaign_change_budget,
    campaign_pause,
    campaign_resume,
    campaign_transition,
    campaigns_hold_for_connection,
    campaigns_release_for_connection,
)

__all__ = [
    "CreationInterrupted",
    "CreativeDraft",
    "ad_settings_problems",
    "campaign_create_for_product",
    "creative_draft_for_product",
    "product_for_ads",
    "PushOutcome",
    "TransitionRefused",
    "ad_settings_create",
    "ad_settings_for_store",
    "ad_settings_update",
    "campaign_action_apply",
    "campaign_archive",
    "campaign_change_budget",
    "campaign_changes_push",
    "campaign_complete",
    "campaign_create",
    "campaign_create_with_creative",
    "campaign_creation_failed",
    "campaign_end_for",
    "campaign_of_action",
    "campaign_pause",
    "campaign_push_creation",
    "campaign_push_defer",
    "campaign_resume",
    "campaign_spec",
    "campaign_transition",
    "campaign_utm_value",
    "campaigns_complete_due",
    "campaigns_hold_for_connection",
    "campaigns_release_for_connection",
    "changes_overdue",
    "committed_daily_budget",
    "creations_overdue",
    "creative_create",
    "last_day_range",
    "outbox_deliver",
]
