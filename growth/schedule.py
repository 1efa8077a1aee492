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
