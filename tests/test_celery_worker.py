import datetime as dt

import pytest
from django.conf import settings
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from growth.schedule import SCHEDULES
from growth.services import MANAGED_PREFIX
from growth.tasks import schedules_sync_task
from tests.celery_worker import CeleryWorker, database_url_for

pytestmark = pytest.mark.celery_worker


def test_a_real_worker_runs_a_task_enqueued_after_commit_against_the_test_database(celery_worker_process):
    # given a schedule that is no longer declared, and a staff-made schedule the sync must leave alone
    every_minute = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name=MANAGED_PREFIX + "retired report", task="growth.tasks.gone", interval=every_minute)
    PeriodicTask.objects.create(name="staff: nightly export", task="stores.tasks.export", interval=every_minute)

    # when the sync task is enqueued once the transaction commits
    with transaction.atomic():
        transaction.on_commit(schedules_sync_task.delay)

    # then the worker process removes the stale schedule and writes the declared ones into the same database
    expected = sorted([MANAGED_PREFIX + entry.name for entry in SCHEDULES] + ["staff: nightly export"])
    celery_worker_process.wait_until(
        lambda: (
            sorted(PeriodicTask.objects.exclude(name="celery.backend_cleanup").values_list("name", flat=True))
            == expected
        )
    )
    assert "Task growth.tasks.schedules_sync_task[" in celery_worker_process.log()
    assert celery_worker_process.alive


def test_a_rolled_back_transaction_enqueues_nothing_for_the_worker(celery_worker_process):
    # given a stale schedule
    every_minute = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name=MANAGED_PREFIX + "retired report", task="growth.tasks.gone", interval=every_minute)

    # when the enqueue is registered in a transaction that rolls back
    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(schedules_sync_task.delay)
        raise RuntimeError("the write failed")

    # then, after the worker had time to pick up anything, the stale schedule is still there
    started = dt.datetime.now(tz=dt.UTC)
    celery_worker_process.wait_until(lambda: dt.datetime.now(tz=dt.UTC) - started > dt.timedelta(seconds=1.5))
    assert list(PeriodicTask.objects.values_list("name", flat=True)) == [MANAGED_PREFIX + "retired report"]
    assert "Task growth.tasks.schedules_sync_task[" not in celery_worker_process.log()


def test_a_stopped_worker_is_gone_and_its_queue_left_empty(celery_worker_process):
    # given a running worker
    assert celery_worker_process.alive
    # when it is stopped
    celery_worker_process.stop()
    # then its process is gone and nothing waits in the run's queue
    assert not celery_worker_process.alive
    assert celery_worker_process.purge() == 0


def test_the_worker_gets_the_test_database_and_the_runs_own_queue(transactional_db):
    # given a worker prepared in a test that uses the test database
    worker = CeleryWorker()
    # when its environment is built
    env = worker.environment()
    # then the worker is pointed at the same database, the run's folder and the run's queue, never the demo's
    assert env["DATABASE_URL"] == database_url_for(settings.DATABASES["default"])
    assert "test" in env["DATABASE_URL"]
    assert env["GROWTHHUB_TEST_RUN_DIR"] == str(settings.TEST_RUN_DIR)
    assert worker.queue == f"test-{settings.TEST_RUN_DIR.name}"
    assert worker.queue != "celery"
    assert not worker.alive


@pytest.mark.parametrize(
    "celery_worker_env", [{"SANDBOX_SEED": "11", "LOG_LEVEL": "WARNING"}], ids=["a test's own worker settings"]
)
def test_a_test_can_hand_the_worker_its_own_settings(celery_worker_process):
    # given a test that parametrized the worker's environment
    env = celery_worker_process.environment()
    # then the worker gets those variables on top of the ones pointing it at the test's database and sandbox
    assert (env["SANDBOX_SEED"], env["LOG_LEVEL"]) == ("11", "WARNING")
    assert env["SANDBOX_BASE_URL"] == settings.SANDBOX_BASE_URL
    assert env["SANDBOX_BASE_URL"].startswith("http://localhost:")


@pytest.mark.parametrize(
    ("settings_dict", "url"),
    [
        pytest.param(
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "test_growthhub_gw0",
                "USER": "postgres",
                "PASSWORD": "",
                "HOST": "127.0.0.1",
                "PORT": "5432",
            },
            "postgres://postgres@127.0.0.1:5432/test_growthhub_gw0",
            id="a PostgreSQL test database without a password keeps user, host, port and name",
        ),
        pytest.param(
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "test_hub",
                "USER": "app",
                "PASSWORD": "p@ss/word",
                "HOST": "db.internal",
                "PORT": "",
            },
            "postgres://app:p%40ss%2Fword@db.internal/test_hub",
            id="a password with URL characters is quoted",
        ),
        pytest.param(
            {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/hub/var/test.sqlite3_gw1"},
            "sqlite:////srv/hub/var/test.sqlite3_gw1",
            id="an SQLite file becomes an absolute sqlite URL",
        ),
    ],
)
def test_database_url_for_the_worker(settings_dict, url):
    assert database_url_for(settings_dict) == url


@pytest.mark.parametrize(
    "settings_dict",
    [
        pytest.param({"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}, id="in-memory SQLite is refused"),
        pytest.param({"ENGINE": "django.db.backends.mysql", "NAME": "hub"}, id="an unknown engine is refused"),
    ],
)
def test_database_url_for_a_database_a_worker_cannot_share(settings_dict):
    with pytest.raises(RuntimeError):
        database_url_for(settings_dict)
