"""Base settings: the environment reader, the modes every other module branches on, apps, database, cache, e-mail,
static files."""

import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
VAR_DIR = Path(env.str("GROWTHHUB_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

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


SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

# Platforms: "sandbox" points every platform at the bundled sandbox; "live" at the real hosts.
PLATFORM_MODE = env.str("PLATFORM_MODE", default="sandbox" if (DEBUG or TESTING) else "live")
if PLATFORM_MODE not in {"sandbox", "live"}:
    raise ImproperlyConfigured("PLATFORM_MODE must be 'sandbox' or 'live'.")

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
    "demo",
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

NINJA_PAGINATION_PER_PAGE = 50

DEMO_USER_EMAIL = "demo@growthhub.local"
DEMO_USER_PASSWORD = "growthhub-demo"
