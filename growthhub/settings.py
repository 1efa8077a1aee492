"""Growth Hub settings, all read from the environment.

Embedded defaults (SQLite under ``var/``, local-memory cache, Celery's filesystem transport) let the demo
start with no services; ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
"""

import ipaddress
import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("GROWTHHUB_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# Under pytest (or a worker a test starts) the development defaults apply, as with DEBUG.
TESTING = env.bool("GROWTHHUB_TESTING", default=False) or "pytest" in sys.modules
# One test run (one pytest process, or one xdist worker) keeps its database file, broker folder and queue apart
# from the demo's and from any other run's, so parallel runs and a running demo never see each other's rows or
# messages. A Celery worker started by a test is handed the run's folder in GROWTHHUB_TEST_RUN_DIR.
TEST_RUN_DIR = Path(
    env.str(
        "GROWTHHUB_TEST_RUN_DIR",
        default=str(
            VAR_DIR / "test-runs" / f"{os.environ.get('PYTEST_XDIST_TESTRUNUID', os.getpid())}-"
            f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        ),
    )
)
if TESTING:
    TEST_RUN_DIR.mkdir(parents=True, exist_ok=True)


def required(name: str, *, unless_debug_default: str | None = None) -> str:
    """Return a required variable; only DEBUG may fall back to a development default."""
    value = env.str(name, default="")
    if value:
        return value
    if (DEBUG or TESTING) and unless_debug_default is not None:
        return unless_debug_default
    raise ImproperlyConfigured(f"The environment variable {name} is required when DEBUG is off.")


SECRET_KEY = required("SECRET_KEY", unless_debug_default="growthhub-development-only-secret-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if (DEBUG or TESTING) else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "django_prometheus",
    "ninja",
    "csp",
    "stores",
    "social",
    "ads",
    "analytics",
    "growth",
    "sandbox",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "stores.middleware.CurrentStoreMiddleware",
    # Refuses NUL / undecodable text, oversized bodies and non-JSON API bodies before any view reads them.
    "growthhub.request_guard.RequestGuardMiddleware",
    "stores.timezone_middleware.StoreTimezoneMiddleware",
    "stores.middleware.ApplicationErrorMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "growthhub.urls"
WSGI_APPLICATION = "growthhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "stores.context_processors.current_store",
                "growthhub.context_processors.email_delivery",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'growthhub.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process, the worker and beat read while one of them writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    if TESTING:
        # A file, not an in-memory database, so a real Celery worker started by a test can open it too.
        DATABASES["default"]["TEST"] = {"NAME": str(TEST_RUN_DIR / "test.sqlite3")}
        DATABASES["default"]["OPTIONS"]["init_command"] += "PRAGMA synchronous=OFF;"
elif TESTING:
    # A test database per run (pytest-django appends the xdist worker), so runs side by side never drop or reuse
    # each other's.
    _run = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))[:12]
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{_run}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # A test run gets keys of its own: xdist workers and other runs may share one Redis database.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=f"test-{TEST_RUN_DIR.name}" if TESTING else "growthhub"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "growthhub"}}
    # django-ratelimit wants a shared cache; without Redis the limits are per process (see README).
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

RATELIMIT_VIEW = "stores.views.ratelimited"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/hub/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
# Signing up with an address that already has an account must look exactly like signing up with a new one.
# allauth can hide it only with mandatory verification: both get the "check your email" page, the newcomer a
# confirmation link (which signs them in and opens the hub), the existing owner a note that they already have an
# account, and that account stays as it was. With "optional", unique e-mails make allauth say "already registered".
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_ADAPTER = "stores.adapters.StoreAccountAdapter"
ACCOUNT_LOGOUT_REDIRECT_URL = "/accounts/login/"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Growth Hub"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Growth Hub <hub@localhost>")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Secrets at rest: a comma-separated list of Fernet keys, the first one encrypts, all of them decrypt.
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS",
    default=["Z3Jvd3RoaHViLWRldmVsb3BtZW50LW9ubHkta2V5MDA="] if (DEBUG or TESTING) else [],
)
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is required when DEBUG is off.")

# Platforms: "sandbox" points every platform at the bundled sandbox; "live" at the real hosts.
PLATFORM_MODE = env.str("PLATFORM_MODE", default="sandbox" if (DEBUG or TESTING) else "live")
if PLATFORM_MODE not in {"sandbox", "live"}:
    raise ImproperlyConfigured("PLATFORM_MODE must be 'sandbox' or 'live'.")
SANDBOX_BASE_URL = env.str("SANDBOX_BASE_URL", default=SITE_URL.rstrip("/") + "/sandbox")
PLATFORM_HTTP_CONNECT_TIMEOUT = env.float("PLATFORM_HTTP_CONNECT_TIMEOUT", default=5.0)
PLATFORM_HTTP_READ_TIMEOUT = env.float("PLATFORM_HTTP_READ_TIMEOUT", default=30.0)
# URLs a merchant typed are fetched only through platforms.guarded: never loopback, private, link-local,
# multicast or reserved addresses, except the host[:port] entries listed here (comma-separated; a host without a
# port means its scheme's default port). Unset: the host:port of SANDBOX_BASE_URL in sandbox mode (so the
# sandbox's demo media stay reachable), nothing in live mode; set it empty to allow no private host at all.
GUARDED_FETCH_ALLOWED_HOSTS = (
    env.list("GUARDED_FETCH_ALLOWED_HOSTS", default=[]) if "GUARDED_FETCH_ALLOWED_HOSTS" in os.environ else None
)
GUARDED_FETCH_MAX_BYTES = env.int("GUARDED_FETCH_MAX_BYTES", default=128 * 1024 * 1024)
GUARDED_FETCH_TIMEOUT = env.float("GUARDED_FETCH_TIMEOUT", default=60.0)
# App credentials per platform for live mode, e.g. TIKTOK_CLIENT_KEY / TIKTOK_CLIENT_SECRET.
PLATFORM_CREDENTIALS = {
    slug: {
        "client_id": env.str(f"{slug.upper()}_CLIENT_ID", default=f"growthhub-{slug}"),
        "client_secret": env.str(f"{slug.upper()}_CLIENT_SECRET", default=f"growthhub-{slug}-secret"),
    }
    for slug in ("tiktok", "instagram", "pinterest", "x", "meta_ads", "google_ads", "tiktok_ads")
}
GOOGLE_ADS_DEVELOPER_TOKEN = env.str("GOOGLE_ADS_DEVELOPER_TOKEN", default="growthhub-sandbox-developer-token")

# Connections (OAuth): a consent must come back within OAUTH_STATE_LIFETIME seconds; beat refreshes tokens that
# expire within CONNECTION_REFRESH_MARGIN seconds; owners hear CONNECTION_EXPIRY_WARNING_DAYS ahead about tokens
# that cannot be refreshed. The handlers are called (in the same transaction) whenever a connection goes bad or
# comes back, so a layer above stores (growth) can hold and release the posts and campaigns that depend on it.
OAUTH_STATE_LIFETIME = env.int("OAUTH_STATE_LIFETIME", default=600)
OAUTH_CALLBACK_RATE = env.str("OAUTH_CALLBACK_RATE", default="30/m")
CONNECTION_REFRESH_MARGIN = env.int("CONNECTION_REFRESH_MARGIN", default=900)
CONNECTION_EXPIRY_WARNING_DAYS = env.int("CONNECTION_EXPIRY_WARNING_DAYS", default=7)
CONNECTION_STATUS_HANDLERS = env.list(
    "CONNECTION_STATUS_HANDLERS", default=["growth.connections.connection_dependents_sync"]
)
# JSON API creates sent with an Idempotency-Key header answer the first result for this many hours (stores.idempotency).
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
# Sandbox token lifetimes in seconds for apps it creates (each app's own values are editable in admin), and
# fault injection applied by `manage.py sandbox_faults --from-settings`, e.g. '{"x": {"error_rate": 0.2}}'.
SANDBOX_ACCESS_TOKEN_LIFETIME = env.int("SANDBOX_ACCESS_TOKEN_LIFETIME", default=7200)
SANDBOX_REFRESH_TOKEN_LIFETIME = env.int("SANDBOX_REFRESH_TOKEN_LIFETIME", default=86400 * 60)
SANDBOX_LONG_LIVED_TOKEN_LIFETIME = env.int("SANDBOX_LONG_LIVED_TOKEN_LIFETIME", default=86400 * 60)
SANDBOX_FAULTS = env.json("SANDBOX_FAULTS", default={})
# Sandbox organic platforms: the seed of each post's hidden quality, the clock engagement is computed at
# (SANDBOX_NOW, an ISO datetime, or an offset), the daily posting caps per account, how long pulled media
# "processes", and the per-token request limits the real platforms document.
SANDBOX_SEED = env.int("SANDBOX_SEED", default=7)
SANDBOX_NOW = env.str("SANDBOX_NOW", default="")
SANDBOX_CLOCK_OFFSET_SECONDS = env.int("SANDBOX_CLOCK_OFFSET_SECONDS", default=0)
SANDBOX_SOCIAL_DAILY_LIMITS = env.json(
    "SANDBOX_SOCIAL_DAILY_LIMITS", default={"tiktok": 15, "instagram": 100, "pinterest": 100, "x": 100}
)
SANDBOX_PUBLISH_PROCESSING_SECONDS = env.float("SANDBOX_PUBLISH_PROCESSING_SECONDS", default=2.0)
SANDBOX_TIKTOK_INIT_PER_MINUTE = env.int("SANDBOX_TIKTOK_INIT_PER_MINUTE", default=6)
SANDBOX_TIKTOK_STATUS_PER_MINUTE = env.int("SANDBOX_TIKTOK_STATUS_PER_MINUTE", default=30)
SANDBOX_X_READS_PER_WINDOW = env.int("SANDBOX_X_READS_PER_WINDOW", default=900)

# Social publishing: status polling of TikTok / Instagram uploads, retries with exponential backoff and jitter,
# when a post left in "publishing" counts as stuck, how early pre-flight runs, and the optional
# OpenAI-compatible chat-completions backend for captions (the built-in generator is used when it is unset or
# fails).
SOCIAL_STATUS_POLL_SECONDS = env.float("SOCIAL_STATUS_POLL_SECONDS", default=20.0)
SOCIAL_STATUS_POLL_INTERVAL = env.float("SOCIAL_STATUS_POLL_INTERVAL", default=1.0)
SOCIAL_PUBLISH_MAX_ATTEMPTS = env.int("SOCIAL_PUBLISH_MAX_ATTEMPTS", default=8)
SOCIAL_RETRY_BASE_SECONDS = env.float("SOCIAL_RETRY_BASE_SECONDS", default=30.0)
SOCIAL_RETRY_MAX_SECONDS = env.float("SOCIAL_RETRY_MAX_SECONDS", default=3600.0)
SOCIAL_PUBLISHING_STUCK_SECONDS = env.int("SOCIAL_PUBLISHING_STUCK_SECONDS", default=600)
# After a request went unanswered, wait this long before looking the post up: the platform may still be acting.
SOCIAL_AMBIGUOUS_SETTLE_SECONDS = env.float("SOCIAL_AMBIGUOUS_SETTLE_SECONDS", default=60.0)
# How long an unconfirmed post (out of attempts, last send unanswered) keeps being looked up at its platform while
# the look-ups themselves fail; past it the post is failed "could not confirm" and a Retry looks it up again first.
SOCIAL_UNCONFIRMED_LOOKUP_HOURS = env.float("SOCIAL_UNCONFIRMED_LOOKUP_HOURS", default=72.0)
SOCIAL_PREFLIGHT_LEAD_MINUTES = env.int("SOCIAL_PREFLIGHT_LEAD_MINUTES", default=120)
SOCIAL_MEDIA_CHECK_TIMEOUT = env.float("SOCIAL_MEDIA_CHECK_TIMEOUT", default=15.0)
SOCIAL_LLM_URL = env.str("SOCIAL_LLM_URL", default="")
SOCIAL_LLM_MODEL = env.str("SOCIAL_LLM_MODEL", default="")
SOCIAL_LLM_API_KEY = env.str("SOCIAL_LLM_API_KEY", default="")
SOCIAL_LLM_TIMEOUT = env.float("SOCIAL_LLM_TIMEOUT", default=20.0)

# Ads outbox: a campaign creation or change still pending this many seconds after it was due (its task message
# lost, a worker lost mid-push, a raise waiting for room under the cap) is handed to a worker again by the minute
# sweeps.
ADS_OUTBOX_DEADLINE_SECONDS = env.int("ADS_OUTBOX_DEADLINE_SECONDS", default=120)
# Retries of a campaign creation or change back off from ADS_RETRY_BASE_SECONDS, doubling up to
# ADS_RETRY_MAX_SECONDS. A push claims its campaign for ADS_PUSH_LEASE_SECONDS: longer than the longest push (a
# creation makes up to five calls, an activation three, each bounded by the HTTP timeouts), so a live worker never
# loses its claim and a dead one holds the campaign back at most this long.
ADS_RETRY_BASE_SECONDS = env.float("ADS_RETRY_BASE_SECONDS", default=5.0)
ADS_RETRY_MAX_SECONDS = env.float("ADS_RETRY_MAX_SECONDS", default=900.0)
ADS_PUSH_LEASE_SECONDS = env.float("ADS_PUSH_LEASE_SECONDS", default=600.0)

# Celery: Redis when REDIS_URL is set, else the filesystem transport under var/ (single host).
CELERY_BROKER_DIR = TEST_RUN_DIR / "celery" if TESTING else VAR_DIR / "celery"
CELERY_TASK_DEFAULT_QUEUE = f"test-{TEST_RUN_DIR.name}" if TESTING else "celery"
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
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

# Content Security Policy: nothing inline, nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"] + ([] if PLATFORM_MODE == "sandbox" else ["https:"]),
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

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
# The largest form or JSON body accepted (files in multipart uploads do not count); a larger one is a 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
NINJA_PAGINATION_PER_PAGE = 50

DEMO_USER_EMAIL = "demo@growthhub.local"
DEMO_USER_PASSWORD = "growthhub-demo"
ACCOUNT_SIGNUP_FORM_CLASS = "stores.adapters.SignupForm"
