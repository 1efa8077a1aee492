"""State changes that belong to the hub itself."""

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from growth.schedule import SCHEDULES, Schedule

MANAGED_PREFIX = "growthhub: "


def _schedule_kwargs(entry: Schedule) -> dict:
    if entry.every_seconds is not None:
        interval, _ = IntervalSchedule.objects.get_or_create(every=entry.every_seconds, period=IntervalSchedule.SECONDS)
        return {"interval": interval, "crontab": None}
    minute, hour, day_of_month, month_of_year, day_of_week = (entry.crontab or "").split()
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone="UTC",
    )
    return {"crontab": crontab, "interval": None}


@transaction.atomic
def schedules_sync(*, schedules: list[Schedule] | None = None) -> tuple[int, int, int]:
    """Make django-celery-beat hold exactly the declared schedules; returns (created, updated, removed).

    A schedule staff disabled in admin stays disabled: ``enabled`` is only set when the task is created.
    """
    entries = SCHEDULES if schedules is None else schedules
    created = updated = 0
    for entry in entries:
        if (entry.every_seconds is None) == (entry.crontab is None):
            raise ValueError(f"Schedule {entry.name!r} needs exactly one of every_seconds and crontab.")
        defaults = {
            "task": entry.task,
            "expire_seconds": entry.expires_seconds,
            "description": entry.why,
            **_schedule_kwargs(entry),
        }
        _, was_created = PeriodicTask.objects.update_or_create(name=MANAGED_PREFIX + entry.name, defaults=defaults)
        created += was_created
        updated += not was_created
    declared = {MANAGED_PREFIX + e.name for e in entries}
    stale = PeriodicTask.objects.filter(name__startswith=MANAGED_PREFIX).exclude(name__in=declared)
    removed = stale.count()
    stale.delete()
    return created, updated, removed
