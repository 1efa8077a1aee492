"""A Redis outage with tasks in flight: the worker rides it out and everything sent before and during it runs after.

A private ``redis-server`` (append-only file on, as the documented deployment runs it) is the broker of a real
prefork worker on the test database. With tasks running, retries held for later and messages still queued, Redis
is stopped for 30 seconds and started again. Celery and kombu 5.7 exit the worker at that moment (``AttributeError:
'NoneType' object has no attribute 'hostname'`` after "Restoring N unacknowledged message(s)");
``growthhub.celery.RedisTransport`` keeps it alive.

The worker runs with short limits (a 6 s task time limit, a 36 s visibility timeout) so that the messages it held
when Redis went away come back within the test, as they do in production after ``CELERY_BROKER_VISIBILITY_TIMEOUT``.
"""

import datetime as dt
import threading
import time

import pytest
import redis
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import OperationalError

from platforms.constants import X
from sandbox.models import SandboxPost
from social.models import PostStatus, SocialPost
from social.services import post_create
from social.tasks import post_publish_task, posts_publish_due_task
from tests.broker_outage_tasks import outage_marker_task, runs_of
from tests.celery_worker import CeleryWorker, RedisServer
from tests.platform_fixtures import connect_store
from tests.social.conftest import SCOPES, media_url

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not RedisServer.available(), reason="redis-server is not installed"),
]

OUTAGE_SECONDS = 30
WORKER_ENV = {
    "CELERY_TASK_TIME_LIMIT": "6",
    "CELERY_TASK_SOFT_TIME_LIMIT": "5",
    "CELERY_BROKER_VISIBILITY_TIMEOUT": "36",
}
# A sender that keeps trying until the broker answers again (the app's own senders give up after about 1.5 s).
PATIENT_RETRY = {"max_retries": 60, "interval_start": 1, "interval_step": 0, "interval_max": 1}


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(directory=tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def outage_worker(transactional_db, live_server, settings, private_redis):
    """A prefork worker (two children, as production runs it) whose broker is the private Redis."""
    settings.PLATFORM_MODE = "sandbox"
    settings.SANDBOX_BASE_URL = f"{live_server.url}/sandbox"
    settings.SITE_URL = live_server.url
    worker = CeleryWorker(
        name="outage",
        pool="prefork",
        concurrency=2,
        include=["tests.broker_outage_tasks"],
        extra_env={"REDIS_URL": private_redis.url, **WORKER_ENV},
    ).start()
    yield worker
    worker.stop()


@pytest.fixture
def broker(private_redis):
    """A connection from this test process to the private Redis, through the transport production uses."""
    with Connection(private_redis.url, transport="growthhub.celery:RedisTransport") as connection:
        yield connection


def test_a_redis_outage_with_tasks_in_flight_loses_nothing_and_the_worker_survives(
    store, outage_worker, private_redis, broker, tmp_path
):
    # given a post that is due at X, with its publish held by the worker as a retry for a few seconds from now
    connect_store(store, X, scopes=SCOPES[X])
    post = post_create(
        store=store,
        platform=X,
        caption="Outage-proof Merino Trail Sock.",
        media_urls=[media_url(X)],
        scheduled_at=timezone.now() - dt.timedelta(seconds=1),
    )
    producer = broker.Producer()
    post_publish_task.apply_async((post.pk,), countdown=8, producer=producer)
    # and, in flight: retries the worker holds for later and a task running, while the worker waits for more
    runs = tmp_path / "runs"
    runs.mkdir()

    def send(name: str, *, seconds: float = 0.0, countdown: float | None = None) -> None:
        task_kwargs = {"directory": str(runs), "name": name, "seconds": seconds}
        outage_marker_task.apply_async(kwargs=task_kwargs, countdown=countdown, producer=producer)

    for index in range(3):
        send(f"retry-{index}", countdown=8)
    send("running", seconds=4)
    outage_worker.wait_until(lambda: outage_worker.log().count("] received") >= 5)
    time.sleep(0.5)  # one child is free, so the worker is back to waiting on Redis for the next message

    # when Redis goes away for 30 seconds while those are in hand
    private_redis.stop()
    outage_started = time.monotonic()
    # and a sender that keeps retrying sends a task meanwhile, and the app's own send fails fast (its row waits)
    during = threading.Thread(
        target=outage_marker_task.apply_async,
        kwargs={
            "kwargs": {"directory": str(runs), "name": "sent-during-outage"},
            "producer": broker.Producer(),
            "retry": True,
            "retry_policy": PATIENT_RETRY,
        },
    )
    during.start()
    with Connection(private_redis.url, transport="growthhub.celery:RedisTransport") as failing:
        sent_at = time.monotonic()
        with pytest.raises(OperationalError):
            posts_publish_due_task.apply_async(producer=failing.Producer())
        assert time.monotonic() - sent_at < 10
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_started)))
    assert outage_worker.alive, outage_worker.log_tail()
    private_redis.start()
    # and beat's minute sweep runs again once it is back
    posts_publish_due_task.apply_async(producer=broker.Producer())

    # then the same worker is still there, reconnected
    during.join(timeout=20)
    assert not during.is_alive()
    expected = {"retry-0", "retry-1", "retry-2", "running", "sent-during-outage"}
    # and every task sent before or during the outage ran (at least once: a task running when Redis went away
    # lost its acknowledgement with the connection and is run again after the visibility timeout); the held ones
    # come back from Redis's unacked index, which only its append-only file carried over the restart
    outage_worker.wait_until(lambda: set(runs_of(runs)) == expected, timeout=60)
    # and the post is published at the platform exactly once, though its held publish came back as well
    outage_worker.wait_until(
        lambda: SocialPost.objects.filter(pk=post.pk, status=PostStatus.PUBLISHED).exists(), timeout=30
    )
    client = redis.Redis.from_url(private_redis.url)
    outage_worker.wait_until(lambda: client.zcard("unacked_index") == 0, timeout=30)
    assert SandboxPost.objects.filter(platform=X).count() == 1
    post.refresh_from_db()
    assert post.external_id == SandboxPost.objects.get(platform=X).external_id
    assert outage_worker.alive
    log = outage_worker.log()
    assert "Connection to broker lost" in log
    assert "Unrecoverable error" not in log
    assert client.llen(outage_worker.queue) == 0
