"""Security: secrets, hosts, sign-in, secrets at rest, rate limits, request bounds, the Content Security Policy and
cookies."""

from django.core.exceptions import ImproperlyConfigured

from .base import DEBUG, PLATFORM_MODE, TESTING, env, required

SECRET_KEY = required("SECRET_KEY", unless_debug_default="growthhub-development-only-secret-key-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if (DEBUG or TESTING) else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

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

ACCOUNT_SIGNUP_FORM_CLASS = "stores.adapters.SignupForm"

# Secrets at rest: a comma-separated list of Fernet keys, the first one encrypts, all of them decrypt.
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS",
    default=["Z3Jvd3RoaHViLWRldmVsb3BtZW50LW9ubHkta2V5MDA="] if (DEBUG or TESTING) else [],
)
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is required when DEBUG is off.")

RATELIMIT_VIEW = "stores.views.ratelimited"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)

# JSON API creates sent with an Idempotency-Key header answer the first result for this many hours (stores.idempotency).
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
# Months touchpoints (clicks, visits) and journey touches are kept; a daily beat task deletes older ones.
TOUCHPOINT_RETENTION_MONTHS = env.int("TOUCHPOINT_RETENTION_MONTHS", default=13)
# The largest form or JSON body accepted (files in multipart uploads do not count); a larger one is a 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
# The largest multipart body (a file upload, such as a CSV export of 20 MB at most, with its form): a larger one is a
# 413 before any of it is read, so an oversized upload never reaches the disk.
MULTIPART_MAX_BYTES = env.int("MULTIPART_MAX_BYTES", default=25 * 1024 * 1024)

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
