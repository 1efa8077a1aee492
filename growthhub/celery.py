"""The Celery application; tasks live in each app's ``tasks.py``, schedules in ``growth.schedule``.

It also holds the Redis transport the broker uses (``CELERY_BROKER_TRANSPORT`` in settings), which keeps a worker
alive through a Redis outage; see :class:`RedisTransport`.
"""

import os

import redis.exceptions
from celery import Celery
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "growthhub.settings")


class RedisChannel(kombu_redis.Channel):
    """kombu's Redis channel, except that using it after its connection was torn down is a connection error.

    When the broker goes away under a running worker, Celery 5.7's consumer first calls ``Connection.collect()``,
    which detaches the transport from the connection (``transport.client = None``), and then
    ``Connection.close()``. If the channel was waiting in BRPOP at that moment, the first close stopped half way, so
    the second one runs the channel's restore of its unacknowledged messages, which needs a new Redis client, whose
    parameters are read from the detached ``transport.client``: ``AttributeError: 'NoneType' object has no attribute
    'hostname'``. That error is not one of the transport's connection errors, so Celery treats it as unrecoverable
    and the worker exits ("Restoring N unacknowledged message(s)" is the last line before it). The same happens when
    a task that was running during the outage finishes after the reconnect and acknowledges on the old channel.

    Raising redis' ``ConnectionError`` instead lets every caller do what it already does with a lost connection:
    the consumer reconnects, a failed acknowledgement is logged. Nothing is lost by not restoring here: the messages
    are still in Redis's unacked index (the broker was unreachable anyway), and Redis hands them out again once the
    ``visibility_timeout`` in ``CELERY_BROKER_TRANSPORT_OPTIONS`` has passed.
    """

    def _connparams(self, asynchronous: bool = False) -> dict:
        transport = self.connection
        if transport is None or transport.client is None:
            raise redis.exceptions.ConnectionError("This broker channel's connection was already closed.")
        return super()._connparams(asynchronous=asynchronous)


class RedisTransport(kombu_redis.Transport):
    """kombu's Redis transport with :class:`RedisChannel`; selected for ``redis://`` and ``rediss://`` broker URLs."""

    Channel = RedisChannel


app = Celery("growthhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
