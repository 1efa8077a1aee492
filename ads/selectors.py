"""Read queries of the ads app. Everything a user reaches is scoped to a store; lists run a fixed number of
queries whatever their length."""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from ads.models import AdCampaign, AdCreative, AdInsight, AdRule, CampaignAction, CampaignStatus, StoreAdSettings
from ads.services.guardrails import committed_daily_budget
from stores.models import Store
from stores.money import to_major

TREND_DAYS = 14
ID_MAX = 2**63 - 1  # the largest primary key a database can hold; a larger id in a URL is simply not found
SPARK_WIDTH, SPARK_HEIGHT = 130, 24


def _require_id(value: int, message: str) -> None:
    """A URL id no database row can have is a 404 (not an integer overflow in the driver)."""
    if not 1 <= value <= ID_MAX:
        raise Http404(message)


def campaigns_for_store(*, store: Store) -> QuerySet[AdCampaign]:
    return AdCampaign.objects.filter(store=store).order_by("-created_at", "-pk")


def campaign_get_for_store(*, store: Store, id: int) -> AdCampaign:  # noqa: A002 - the id of the campaign
    _require_id(id, "No such campaign.")
    campaign = AdCampaign.objects.filter(store=store, pk=id).select_related("creative", "product").first()
    if campaign is None:
        raise Http404("No such campaign.")
    return campaign


def creatives_for_store(*, store: Store) -> QuerySet[AdCreative]:
    return AdCreative.objects.filter(store=store).order_by("-created_at", "-pk")


def creative_get_for_store(*, store: Store, id: int) -> AdCreative:  # noqa: A002
    _require_id(id, "No such creative.")
    creative = AdCreative.objects.filter(store=store, pk=id).first()
    if creative is None:
        raise Http404("No such creative.")
    return creative


def rules_for_store(*, store: Store) -> QuerySet[AdRule]:
    return AdRule.objects.filter(store=store).order_by("name", "pk")


def rule_get_for_store(*, store: Store, id: int) -> AdRule:  # noqa: A002
    _require_id(id, "No such rule.")
    rule = AdRule.objects.filter(store=store, pk=id).select_related("store").first()
    if rule is None:
        raise Http404("No such rule.")
    return rule


def campaign_actions(*, campaign: AdCampaign, limit: int = 50) -> list[CampaignAction]:
    return list(campaign.actions.select_related("actor_user", "rule").order_by("-created_at", "-pk")[:limit])


def campaign_daily(*, campaign: AdCampaign, days: int = 30) -> list[dict[str, Any]]:
    """The campaign's last ``days`` insight rows, oldest first, as plain numbers for a chart."""
    today = timezone.now().astimezone(campaign.store.tzinfo).date()
    rows = AdInsight.objects.filter(campaign=campaign, date__gt=today - dt.timedelta(days=days)).order_by("date")
    return [
        {
            "date": r.date.isoformat(),
            "spend": float(to_major(r.spend_minor, campaign.currency)),
            "value": float(to_major(r.purchase_value_minor, campaign.currency)),
            "purchases": r.purchases,
            "clicks": r.clicks,
        }
        for r in rows
    ]


def sparkline_points(values: list[int]) -> str:
    """SVG polyline points for a small trend line, scaled to the largest value."""
    if not values:
        return ""
    top = max(values) or 1
    step = SPARK_WIDTH / max(len(values) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{SPARK_HEIGHT - 2 - (v / top) * (SPARK_HEIGHT - 4):.1f}" for i, v in enumerate(values)
    )


def campaign_rows(*, campaigns: list[AdCampaign], store: Store) -> list[dict[str, Any]]:
    """Table rows with a 14-day spend trend for each campaign: one query for all their insights."""
    today = timezone.now().astimezone(store.tzinfo).date()
    start = today - dt.timedelta(days=TREND_DAYS - 1)
    spend: dict[int, dict[dt.date, int]] = defaultdict(dict)
    for campaign_id, day, minor in AdInsight.objects.filter(campaign__in=campaigns, date__gte=start).values_list(
        "campaign_id", "date", "spend_minor"
    ):
        spend[campaign_id][day] = minor
    rows = []
    for campaign in campaigns:
        series = [spend[campaign.pk].get(start + dt.timedelta(days=i), 0) for i in range(TREND_DAYS)]
        rows.append({"campaign": campaign, "trend": sparkline_points(series), "trend_total": sum(series)})
    return rows


def ad_settings_get(*, store: Store) -> StoreAdSettings:
    """The store's ad settings (every store has its row from its creation on)."""
    return StoreAdSettings.objects.get(store=store)


def ads_hub_tab(*, store: Store) -> dict[str, Any]:
    """Context for the hub's Ads tab: the campaign table, guardrail use and totals."""
    campaigns = list(campaigns_for_store(store=store).exclude(status=CampaignStatus.ARCHIVED)[:100])
    totals = AdCampaign.objects.filter(store=store).aggregate(
        spend=Sum("spend_minor"), value=Sum("purchase_value_minor"), purchases=Sum("purchases")
    )
    settings_row = ad_settings_get(store=store)
    return {
        "campaign_rows": campaign_rows(campaigns=campaigns, store=store),
        "ad_settings": settings_row,
        "committed_minor": committed_daily_budget(store=store),
        "total_spend_minor": totals["spend"] or 0,
        "total_value_minor": totals["value"] or 0,
        "total_purchases": totals["purchases"] or 0,
        "total_roas": (totals["value"] or 0) / totals["spend"] if totals["spend"] else None,
    }
