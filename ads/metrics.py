"""Business metrics of the ads agent, exported at /metrics by django-prometheus."""

from prometheus_client import Counter, Gauge

CAMPAIGNS_CREATED = Counter(
    "growth_ad_campaigns_created", "Campaigns created at an ad platform (the whole chain, once each).", ["platform"]
)
LOOP_ITEM_FAILURES = Counter(
    "growth_ads_loop_item_failures",
    "Items a periodic ads task could not handle (each is logged and recorded on the item; the loop goes on).",
    ["loop"],
)
OUTBOX_ENQUEUE_FAILURES = Counter(
    "growth_ads_outbox_enqueue_failures",
    "Ad tasks the broker refused after their write committed (the outbox sweep delivers them).",
    ["task"],
)
CAMPAIGN_PUSHES_WAITING = Counter(
    "growth_ads_pushes_waiting_for_cap",
    "Campaign raises held back until lowerings elsewhere are confirmed, so platforms never deliver over the cap.",
)
ACTIVE_CAMPAIGNS = Gauge("growth_active_campaigns", "Campaigns delivering now, across all stores.")


def _count_active() -> float:
    from ads.models import AdCampaign, CampaignStatus

    return float(AdCampaign.objects.filter(status=CampaignStatus.ACTIVE).count())


ACTIVE_CAMPAIGNS.set_function(_count_active)
