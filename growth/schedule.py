"""Every periodic task of Growth Hub, declared in one place.

``manage.py sync_schedules`` writes these into django-celery-beat (DatabaseScheduler), where staff can pause or
retime them in admin. Each entry says when it runs and why; frequent ones expire so a backlog does not pile up.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    every_seconds: int | None = None
    crontab: str | None = None  # "minute hour day_of_month month_of_year day_of_week", in UTC
    expires_seconds: int | None = None
    why: str = ""


SCHEDULES: list[Schedule] = []

# Platform connections.
SCHEDULES += [
    # Every 5 minutes: renew tokens expiring within CONNECTION_REFRESH_MARGIN (15 min), so a 2-hour X or TikTok
    # token never lapses between runs; expires before the next run so a stalled worker does not pile them up.
    Schedule(
        name="Refresh platform tokens before they expire",
        task="stores.tasks.connections_refresh_due_task",
        every_seconds=300,
        expires_seconds=240,
        why="Access tokens of TikTok, X, Pinterest, Google and Instagram are short-lived; refresh them early.",
    ),
    # Daily at 08:00 UTC: warn owners ahead of tokens that cannot be renewed (Meta's 60-day long-lived tokens).
    Schedule(
        name="Warn owners about connections that run out",
        task="stores.tasks.connections_warn_expiring_task",
        crontab="0 8 * * *",
        expires_seconds=3600,
        why="A token without refresh needs the merchant to sign in again before it ends.",
    ),
    # Daily at 03:30 UTC: delete consents that were never completed; they hold encrypted PKCE verifiers.
    Schedule(
        name="Purge stale OAuth states",
        task="stores.tasks.oauth_states_purge_task",
        crontab="30 3 * * *",
        expires_seconds=3600,
        why="Abandoned consents keep secrets that are of no use once expired.",
    ),
    # Hourly at :40: delete Idempotency-Key answers older than IDEMPOTENCY_KEY_TTL_HOURS (24 h); a key that old no
    # longer counts anyway, so a missed run only leaves rows a little longer; expires before the next run.
    Schedule(
        name="Purge expired API idempotency keys",
        task="stores.tasks.idempotency_keys_purge_task",
        crontab="40 * * * *",
        expires_seconds=3000,
        why="Stored create answers are only needed while a client may still retry; the table stays small.",
    ),
]

# Store-platform data (Shopify, WooCommerce).
SCHEDULES += [
    # Every 5 minutes: queue again webhook deliveries still waiting STORE_WEBHOOK_SWEEP_SECONDS (5 min) after they
    # arrived, so a worker killed between receipt and processing (or a lost broker message) only delays an order;
    # expires before the next run so a stalled worker does not pile sweeps up.
    Schedule(
        name="Re-queue store webhook deliveries whose task was lost",
        task="stores.tasks.store_webhooks_sweep_task",
        every_seconds=300,
        expires_seconds=240,
        why="Every stored delivery is processed even when its first task never ran.",
    ),
    # Every 15 minutes: the store platforms' changes since the last sync, whatever a webhook missed (Shopify gives
    # up on a delivery after its retries; WooCommerce never retries), and any history backfill still pending.
    Schedule(
        name="Reconcile store-platform data",
        task="stores.tasks.store_syncs_due_task",
        every_seconds=900,
        expires_seconds=840,
        why="The catalogue and orders match the store platform even when webhooks were lost.",
    ),
]

# Social publishing and engagement.
SCHEDULES += [
    # Every minute: hand due posts to publish tasks; expires before the next run so a backlog does not pile up.
    Schedule(
        name="Publish due social posts",
        task="social.tasks.posts_publish_due_task",
        every_seconds=60,
        expires_seconds=55,
        why="Posts go out within a minute of their time, each exactly once.",
    ),
    # Every 5 minutes: pre-flight posts due within SOCIAL_PREFLIGHT_LEAD_MINUTES, holding broken ones early.
    Schedule(
        name="Pre-flight upcoming social posts",
        task="social.tasks.posts_preflight_task",
        every_seconds=300,
        expires_seconds=240,
        why="A post with unreachable media or a bad connection is held before its time so the merchant can fix it.",
    ),
    # Every 5 minutes: recover posts left in "publishing" by a dead worker, looking each up before retrying.
    Schedule(
        name="Recover posts stuck in publishing",
        task="social.tasks.publishing_watchdog_task",
        every_seconds=300,
        expires_seconds=240,
        why="A worker or broker lost mid-publish must neither strand a post nor publish it twice.",
    ),
    # Every 5 minutes: look up posts left unconfirmed (attempts ran out with the last send unanswered) whose next
    # look-up is due (each backs off on its own); expires before the next run so a backlog does not pile up.
    Schedule(
        name="Confirm unconfirmed social posts with their platforms",
        task="social.tasks.posts_reconcile_unconfirmed_task",
        every_seconds=300,
        expires_seconds=240,
        why="A post that may be live is ended published or failed on the platform's answer, never sent twice.",
    ),
    # Hourly at :10: engagement of posts under 7 days old, while their numbers move fastest.
    Schedule(
        name="Sync engagement of recent posts",
        task="social.tasks.engagement_sync_hourly_task",
        crontab="10 * * * *",
        expires_seconds=3000,
        why="Young posts gain most of their engagement in the first days.",
    ),
    # Daily at 04:20 UTC: engagement of posts 7 to 30 days old.
    Schedule(
        name="Sync engagement of older posts",
        task="social.tasks.engagement_sync_daily_task",
        crontab="20 4 * * *",
        expires_seconds=20 * 3600,
        why="Older posts still move a little; X's non-public metrics end at 30 days.",
    ),
    # Hourly at :15: today's and yesterday's ad insights, so rules and the hub see spend within the hour.
    Schedule(
        name="Sync today's ad insights",
        task="ads.tasks.ads_insights_sync_today_task",
        crontab="15 * * * *",
        expires_seconds=3000,
        why="Spend moves through the day; rules and guardrail reports read today's numbers.",
    ),
    # Daily at 05:30 UTC: the last 28 days of ad insights again, after every platform closed yesterday.
    Schedule(
        name="Re-sync 28 days of ad insights",
        task="ads.tasks.ads_insights_resync_task",
        crontab="30 5 * * *",
        expires_seconds=20 * 3600,
        why="Conversions are reported for days after the click; they must land on the day of the spend.",
    ),
    # Every 10 minutes: campaigns whose end date passed become completed (the platforms stop delivery by
    # themselves at the end sent with the campaign), so their budget leaves the spend cap promptly.
    Schedule(
        name="Complete ad campaigns past their end date",
        task="ads.tasks.ads_campaigns_complete_task",
        every_seconds=600,
        expires_seconds=540,
        why="A campaign that reached its end no longer delivers; its budget should not hold room under the cap.",
    ),
    # Every minute: ad campaign creations still pending ADS_OUTBOX_DEADLINE_SECONDS after they were due (a task
    # message the broker lost, a worker lost mid-creation) go to a worker again; each is looked up before it is
    # created again, so none is made twice. Expires before the next run so a backlog does not pile up.
    Schedule(
        name="Resume overdue ad campaign creations",
        task="ads.tasks.ads_campaign_creations_sweep_task",
        every_seconds=60,
        expires_seconds=55,
        why="A campaign whose creation message was lost must still be created, exactly once.",
    ),
    # Every minute: campaigns whose pauses, resumes, budget changes or archiving are still pending past
    # ADS_OUTBOX_DEADLINE_SECONDS are pushed again (their latest desired state, one campaign at a time), including
    # raises that waited for room under the spend cap at the platforms. Expires before the next run.
    Schedule(
        name="Deliver overdue ad campaign changes",
        task="ads.tasks.ads_campaign_changes_sweep_task",
        every_seconds=60,
        expires_seconds=55,
        why="A pause sent while the broker was down must still reach the platform; the broker only wakes it sooner.",
    ),
    # Hourly at :25 (after the insights sync): automated ad rules.
    Schedule(
        name="Run automated ad rules",
        task="ads.tasks.ad_rules_run_task",
        crontab="25 * * * *",
        expires_seconds=3000,
        why="Rules pause losers and scale winners on fresh numbers; a missed hour is skipped, not piled up.",
    ),
]

# Tracking (analytics).
SCHEDULES += [
    # Every minute: journeys of new orders and of orders marked stale (a rewritten order, a late touch, a stitch),
    # and the open journeys of visitors seen since the last run; expires before the next run.
    Schedule(
        name="Build customer journeys",
        task="analytics.build_journeys",
        every_seconds=60,
        expires_seconds=55,
        why="An order's journey (the touches that led to it) is shown on the order page and feeds attribution.",
    ),
    # Daily at 04:10 UTC: delete touchpoints and journey touches older than TOUCHPOINT_RETENTION_MONTHS (13).
    Schedule(
        name="Delete tracking data past its retention",
        task="analytics.enforce_retention",
        crontab="10 4 * * *",
        expires_seconds=3600,
        why="Clicks and visits are personal data: they are kept only as long as the retention setting says.",
    ),
]
