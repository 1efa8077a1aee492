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
]
