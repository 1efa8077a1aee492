"""Observability: JSON logs, Sentry when SENTRY_DSN is set, who may read the metrics."""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

from .base import env

# Observability: JSON logs; Sentry when SENTRY_DSN is set.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "platforms.base.RedactSecretsFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    from platforms.base import sentry_event_redact

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        before_send=sentry_event_redact,
    )

PROMETHEUS_EXPORT_MIGRATIONS = False
# Who may read /metrics and the per-check details of /readyz: a request with ``Authorization: Bearer
# <METRICS_TOKEN>``, or one whose REMOTE_ADDR is in METRICS_ALLOWED_NETWORKS (comma-separated CIDRs). With
# neither set, only DEBUG serves them; otherwise /metrics is 403 and /readyz gives its status alone.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {_network!r} is not a network ({_exc}).") from None
