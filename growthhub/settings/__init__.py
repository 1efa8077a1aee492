"""Growth Hub settings, all read from the environment, one module per concern.

Embedded defaults (SQLite under ``var/``, local-memory cache, Celery's filesystem transport) let the demo
start with no services; ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.

- ``base``: the environment reader, the modes (DEBUG, tests, PLATFORM_MODE), apps, database, cache, static files.
- ``security``: secrets, hosts, sign-in, secrets at rest, rate limits, request bounds, CSP and cookies.
- ``platforms``: the platform hosts and app credentials, connections, the sandbox, social publishing, ads pushes.
- ``celery``: the broker, the worker and beat.
- ``observability``: logs, Sentry, metrics.

``DJANGO_SETTINGS_MODULE`` stays ``growthhub.settings``: this package imports the modules in that order.
"""

from .base import *  # noqa: I001, F403
from .security import *  # noqa: F403
from .platforms import *  # noqa: F403
from .celery import *  # noqa: F403
from .observability import *  # noqa: F403
