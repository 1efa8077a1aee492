"""Celery: the broker (Redis when REDIS_URL is set, else the filesystem transport under var/), the worker and beat."""

from django.core.exceptions import ImproperlyConfigured

from .base import REDIS_URL, TEST_RUN_DIR, TESTING, VAR_DIR, env

# Celery: Redis when REDIS_URL is set, else the filesystem transport under var/ (single host).
CELERY_BROKER_DIR = TEST_RUN_DIR / "celery" if TESTING else VAR_DIR / "celery"
CELERY_TASK_DEFAULT_QUEUE = f"test-{TEST_RUN_DIR.name}" if TESTING else "celery"
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
# A CSV import (stores.tasks.import_job_run_task) writes a whole file in one transaction, so it has its own limit: a
# minute before it the write is stopped, rolled back and the job marked failed; a job still "importing" past it was
# lost with its worker and is shown failed. A message the broker hands out again meanwhile finds the job running and
# does nothing.
CSV_IMPORT_TIME_LIMIT = env.int("CSV_IMPORT_TIME_LIMIT", default=1800)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # kombu's Redis transport, except that a worker survives a Redis outage with messages in hand (see
    # growthhub.celery.RedisChannel: celery/kombu 5.7 otherwise exit on AttributeError 'hostname').
    CELERY_BROKER_TRANSPORT = "growthhub.celery:RedisTransport"
    # A message a worker took but never acknowledged (the worker killed, its host lost, or Redis gone while it
    # held the message) is handed out again this many seconds after it was taken. Longer than the longest task
    # (the hard time limit) with a margin, so a task still running is never delivered twice; short enough that a
    # dead worker's task comes back within minutes, not Redis's default hour. A retry scheduled further ahead than
    # this (countdown) is handed out early too, to be held until it is due: the tasks are idempotent (a claim on the
    # row decides who acts), so at worst it is looked at twice.
    CELERY_BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 300)
    if CELERY_BROKER_VISIBILITY_TIMEOUT < CELERY_TASK_TIME_LIMIT + 30:
        raise ImproperlyConfigured(
            f"CELERY_BROKER_VISIBILITY_TIMEOUT ({CELERY_BROKER_VISIBILITY_TIMEOUT}) must be at least 30 seconds "
            f"longer than CELERY_TASK_TIME_LIMIT ({CELERY_TASK_TIME_LIMIT}), or a running task is handed out twice."
        )
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
        # Each worker looks for such messages every 10 s (kombu scans only every 10th time by default: 100 s).
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
        # Ping an idle connection this often, so a connection Redis dropped is noticed before it is used.
        "health_check_interval": 25,
        # A half-open connection (Redis host gone without a reset) fails after this long instead of hanging a
        # worker, a web request or beat; blocking reads (BRPOP) wait 1 s, well inside it.
        "socket_timeout": 30,
        "socket_connect_timeout": 5,
        "socket_keepalive": True,
        # No silent re-send of a timed-out command: a publish that timed out may have arrived, and Celery's own
        # publish retry (CELERY_TASK_PUBLISH_RETRY_POLICY) decides; kombu also keeps pipelined publishes only then.
        "retry_on_timeout": False,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    for sub in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        # Tests wait on a real worker: poll the folder often so a task starts (and a worker stops) promptly.
        "polling_interval": 0.1 if TESTING else 1.0,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker (and beat) whose broker went away keeps reconnecting however long the outage lasts (Celery's default
# gives up after 100 attempts, about 50 minutes, and exits); the supervisor restarts it if it exits all the same.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task running when the broker connection is lost runs to its end (its work is done, e.g. a post published while
# Redis was down); its acknowledgement is lost with the connection, so the broker hands it out again after the
# visibility timeout and the task, idempotent, finds the work done. Cancelling it instead (Celery 6's default)
# would cut a platform call off half way. Set explicitly so the behaviour does not change under a Celery upgrade.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Sending a task while the broker is down: a few quick retries (about 1.5 s), then the caller gets the error. The
# work itself is a row first (a post, a campaign action) that the minute sweeps deliver once the broker is back.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 3, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
