"""Periodic tasks are declared once in growth.schedule and written into django-celery-beat by a command."""

import pytest
from celery import current_app
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from growth.schedule import SCHEDULES, Schedule
from growth.services import MANAGED_PREFIX, schedules_sync

pytestmark = pytest.mark.django_db


def test_every_declared_schedule_names_a_registered_task_and_says_why():
    current_app.loader.import_default_modules()
    registered = set(current_app.tasks.keys())
    for entry in SCHEDULES:
        assert entry.task in registered, entry.name
        assert entry.why, entry.name
        assert (entry.every_seconds is None) != (entry.crontab is None), entry.name
    assert len({entry.name for entry in SCHEDULES}) == len(SCHEDULES)


def test_sync_writes_every_schedule_with_its_timing_and_expiry(capsys):
    # when the command runs on an empty beat database
    call_command("sync_schedules")
    # then each declared schedule is there, timed and expiring as declared
    assert capsys.readouterr().out.strip() == f"schedules: {len(SCHEDULES)} created, 0 updated, 0 removed"
    for entry in SCHEDULES:
        task = PeriodicTask.objects.get(name=MANAGED_PREFIX + entry.name)
        assert task.task == entry.task
        assert task.expire_seconds == entry.expires_seconds
        assert task.description == entry.why
        if entry.every_seconds is not None:
            assert task.interval.every == entry.every_seconds
            assert task.crontab is None
        else:
            cron = task.crontab
            assert f"{cron.minute} {cron.hour} {cron.day_of_month} {cron.month_of_year} {cron.day_of_week}" == (
                entry.crontab
            )


def test_a_second_sync_updates_keeps_staff_pauses_and_removes_what_is_no_longer_declared():
    # given a synced beat database where staff paused one task, and a stale task of ours and one of staff's own
    first = Schedule(name="first", task="growth.tasks.schedules_sync_task", every_seconds=60, why="a")
    second = Schedule(name="second", task="growth.tasks.schedules_sync_task", crontab="5 4 * * 1", why="b")
    schedules_sync(schedules=[first, second])
    PeriodicTask.objects.filter(name=MANAGED_PREFIX + "first").update(enabled=False)
    staff_own = PeriodicTask.objects.create(
        name="staff's own", task="growth.tasks.schedules_sync_task", interval=PeriodicTask.objects.first().interval
    )
    # when only the first one is declared now, with a new interval
    retimed = Schedule(name="first", task="growth.tasks.schedules_sync_task", every_seconds=120, why="a")
    result = schedules_sync(schedules=[retimed])
    # then it is updated and still paused, the stale one is gone and staff's own task is untouched
    assert result == (0, 1, 1)
    task = PeriodicTask.objects.get(name=MANAGED_PREFIX + "first")
    assert task.interval.every == 120
    assert task.enabled is False
    assert not PeriodicTask.objects.filter(name=MANAGED_PREFIX + "second").exists()
    assert PeriodicTask.objects.filter(pk=staff_own.pk).exists()


def test_a_schedule_with_both_or_neither_timing_is_refused_and_writes_nothing():
    both = Schedule(name="both", task="growth.tasks.schedules_sync_task", every_seconds=60, crontab="* * * * *")
    with pytest.raises(ValueError, match="exactly one of every_seconds and crontab"):
        schedules_sync(schedules=[both])
    assert not PeriodicTask.objects.filter(name__startswith=MANAGED_PREFIX).exists()


def test_the_sync_task_logs_its_counts_at_info_level(db, caplog):
    # given: logging at INFO, as in production
    import logging

    from growth.tasks import schedules_sync_task

    caplog.set_level(logging.INFO, logger="growth.tasks")

    # when
    result = schedules_sync_task()

    # then: the task answers and its log line carries the counts under their own names
    record = next(r for r in caplog.records if r.getMessage() == "schedules synced")
    assert result["created"] == record.schedules_created
    assert (record.schedules_updated, record.schedules_removed) == (result["updated"], result["removed"])
