"""State changes of the ads app, split by sub-domain; import from here."""

from ads.services.campaigns import (
    SYSTEM,
    Actor,
    ad_connection_for,
    campaign_action_apply,
    campaign_archive,
    campaign_change_budget,
    campaign_create,
    campaign_creation_failed,
    campaign_pause,
    campaign_push_creation,
    campaign_resume,
    campaign_spec,
    campaign_utm_value,
    campaigns_hold_for_connection,
    campaigns_release_for_connection,
    connection_expired,
    creative_create,
)
from ads.services.guardrails import (
    ad_settings_for_store,
    ad_settings_update,
    committed_daily_budget,
)

__all__ = [
    "SYSTEM",
    "Actor",
    "ad_connection_for",
    "ad_settings_for_store",
    "ad_settings_update",
    "campaign_action_apply",
    "campaign_archive",
    "campaign_change_budget",
    "campaign_create",
    "campaign_creation_failed",
    "campaign_pause",
    "campaign_push_creation",
    "campaign_resume",
    "campaign_spec",
    "campaign_utm_value",
    "campaigns_hold_for_connection",
    "campaigns_release_for_connection",
    "committed_daily_budget",
    "connection_expired",
    "creative_create",
]
