"""Daily insights: pulled from each platform per connection, upserted one row per campaign per day, and the
campaign's totals recomputed from its rows.

Days are the store's days. Hourly syncs read yesterday and today; the daily re-sync reads the last 28 days again,
because conversions are reported late (up to a few days after the click) and land on the day of the spend.
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ads.metrics import LOOP_ITEM_FAILURES
from ads.models import AdCampaign, AdInsight, CampaignStatus
from ads.services.remote import campaign_client
from platforms.errors import AuthExpired, PlatformError
from stores.connections.services import connection_record_error, connection_record_failure, connection_record_success
from stores.models import ConnectionStatus, PlatformConnection

logger = logging.getLogger("ads")

RESYNC_DAYS = 28
SYNCED_STATUSES = (CampaignStatus.ACTIVE, CampaignStatus.PAUSED, CampaignStatus.COMPLETED, CampaignStatus.ARCHIVED)


def connections_with_campaigns() -> list[int]:
    """Active ad connections that have campaigns at the platform."""
    return list(
        PlatformConnection.objects.filter(
            status=ConnectionStatus.ACTIVE, ad_campaigns__status__in=SYNCED_STATUSES, store__status="active"
        )
        .exclude(ad_campaigns__external_campaign_id="")
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )


def report_currency(connection: PlatformConnection) -> str:
    """The currency the platform reports the connection's money in: its ad account's, read at connect time; for a
    connection made before that was read, the store's (the currency its campaigns are created in)."""
    return connection.ad_account_currency or connection.store.currency


def insights_sync_for_connection(*, connection_id: int, days: int, today: dt.date | None = None) -> int:
    """Read the last ``days`` days (today included) of every campaign on the connection; returns rows written.

    Raises Transient / RateLimited for the task; a dead token marks the connection expired and holds campaigns.
    """
    connection = PlatformConnection.objects.select_related("store").get(pk=connection_id)
    if connection.status != ConnectionStatus.ACTIVE:
        return 0
    campaigns = {
        c.external_campaign_id: c
        for c in AdCampaign.objects.filter(connection=connection, status__in=SYNCED_STATUSES).exclude(
            external_campaign_id=""
        )
    }
    if not campaigns:
        return 0
    today = today or timezone.now().astimezone(connection.store.tzinfo).date()
    since = today - dt.timedelta(days=days - 1)
    sample = next(iter(campaigns.values()))
    sample.connection = connection
    try:
        rows = campaign_client(sample).daily_insights(
            list(campaigns), since, today, currency=report_currency(connection)
        )
    except AuthExpired as error:
        connection_record_error(connection=connection, error=error)
        return 0
    except PlatformError as error:
        connection_record_error(connection=connection, error=error)
        raise
    connection_record_success(connection=connection)
    return insights_store(campaigns=campaigns, rows=rows)


def insights_sync_failed(*, connection_id: int, error: Exception, stage: str) -> None:
    """The insights sync of one connection failed at ``stage`` ("queue" or "sync"): log it (call inside the
    ``except``), count it, and record it on the connection unless the platform's answer was already recorded.

    Only the error's kind reaches the connection (the merchant sees it); the details, which may hold internals, go
    to the log."""
    logger.exception("ad insights sync failed", extra={"connection_id": connection_id, "stage": stage})
    LOOP_ITEM_FAILURES.labels(loop=f"insights_{stage}").inc()
    if isinstance(error, PlatformError):
        return  # insights_sync_for_connection recorded the platform's answer on the connection
    connection = PlatformConnection.objects.filter(pk=connection_id).first()
    if connection is None:
        return
    what = "could not be queued" if stage == "queue" else "failed"
    connection_record_failure(
        connection=connection,
        error=f"The ads insights sync {what} ({type(error).__name__}); Growth Hub tries again on the next run.",
    )


@transaction.atomic
def insights_store(*, campaigns: dict[str, AdCampaign], rows: list) -> int:
    """Upsert the rows and recompute the touched campaigns' totals."""
    now = timezone.now()
    objects = [
        AdInsight(
            store_id=campaigns[row.campaign_id].store_id,
            campaign=campaigns[row.campaign_id],
            date=row.date,
            spend_minor=row.spend_minor,
            impressions=row.impressions,
            clicks=row.clicks,
            purchases=row.purchases,
            purchase_value_minor=row.purchase_value_minor,
            synced_at=now,
        )
        for row in rows
        if row.campaign_id in campaigns
    ]
    AdInsight.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["campaign", "date"],
        update_fields=["spend_minor", "impressions", "clicks", "purchases", "purchase_value_minor", "synced_at"],
    )
    for campaign in campaigns.values():
        campaign_totals_refresh(campaign=campaign, now=now)
    return len(objects)


def campaign_totals_refresh(*, campaign: AdCampaign, now: dt.datetime | None = None) -> AdCampaign:
    totals = AdInsight.objects.filter(campaign=campaign).aggregate(
        spend=Sum("spend_minor"),
        impressions=Sum("impressions"),
        clicks=Sum("clicks"),
        purchases=Sum("purchases"),
        value=Sum("purchase_value_minor"),
    )
    AdCampaign.objects.filter(pk=campaign.pk).update(
        spend_minor=totals["spend"] or 0,
        impressions=totals["impressions"] or 0,
        clicks=totals["clicks"] or 0,
        purchases=totals["purchases"] or 0,
        purchase_value_minor=totals["value"] or 0,
        insights_synced_at=now or timezone.now(),
    )
    return campaign
