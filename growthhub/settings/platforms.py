"""Platforms: their hosts and app credentials, connections, the sandbox, social publishing and ads pushes."""

import os

from django.core.exceptions import ImproperlyConfigured

from platforms.constants import ALL_PLATFORMS as _ALL_PLATFORMS
from platforms.constants import SHOPIFY as _SHOPIFY

from .base import PLATFORM_MODE, SITE_URL, TEST_RUN_DIR, TESTING, VAR_DIR, env

SANDBOX_BASE_URL = env.str("SANDBOX_BASE_URL", default=SITE_URL.rstrip("/") + "/sandbox")
# Where the sandbox Shopify writes its bulk operations' JSONL result files (one file per operation).
SANDBOX_BULK_RESULT_DIR = (TEST_RUN_DIR if TESTING else VAR_DIR) / "sandbox-bulk-results"
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
# App credentials per platform for live mode, e.g. TIKTOK_CLIENT_ID / TIKTOK_CLIENT_SECRET (Shopify's too: its
# client secret also signs its webhooks; WooCommerce has no app: each store hands out its own keys). The built-in
# values are the sandbox's apps: live mode refuses to start while any platform still has one (or an empty value).
PLATFORM_CREDENTIALS = {
    slug: {
        "client_id": env.str(f"{slug.upper()}_CLIENT_ID", default=f"growthhub-{slug}"),
        "client_secret": env.str(f"{slug.upper()}_CLIENT_SECRET", default=f"growthhub-{slug}-secret"),
    }
    for slug in (*_ALL_PLATFORMS, _SHOPIFY)
}
# Google Ads also wants the developer token of the operator's manager account on every call.
_SANDBOX_DEVELOPER_TOKEN = "growthhub-sandbox-developer-token"
GOOGLE_ADS_DEVELOPER_TOKEN = env.str("GOOGLE_ADS_DEVELOPER_TOKEN", default=_SANDBOX_DEVELOPER_TOKEN)
if PLATFORM_MODE == "live":
    _sandbox_credentials = [
        f"{slug.upper()}_CLIENT_ID / {slug.upper()}_CLIENT_SECRET"
        for slug, pair in PLATFORM_CREDENTIALS.items()
        if pair["client_id"] in {"", f"growthhub-{slug}"} or pair["client_secret"] in {"", f"growthhub-{slug}-secret"}
    ]
    if GOOGLE_ADS_DEVELOPER_TOKEN in {"", _SANDBOX_DEVELOPER_TOKEN}:
        _sandbox_credentials.append("GOOGLE_ADS_DEVELOPER_TOKEN")
    if _sandbox_credentials:
        raise ImproperlyConfigured(
            "PLATFORM_MODE is 'live' but these platforms still have the built-in sandbox credentials: "
            f"{', '.join(_sandbox_credentials)}. Set each to your app's client id and secret at that platform "
            "(and Google Ads' developer token), or set PLATFORM_MODE=sandbox."
        )
# Shopify signs its install and OAuth callback queries with a timestamp: one further than this many seconds from
# now (either way) is refused as a replay.
SHOPIFY_CALLBACK_MAX_AGE = env.int("SHOPIFY_CALLBACK_MAX_AGE", default=300)

# Connections (OAuth): a consent must come back within OAUTH_STATE_LIFETIME seconds; beat refreshes tokens that
# expire within CONNECTION_REFRESH_MARGIN seconds; owners hear CONNECTION_EXPIRY_WARNING_DAYS ahead about tokens
# that cannot be refreshed. What happens above stores when a connection goes bad or comes back is registered in
# code on stores.hooks.connection_status_changed (growth holds and releases the dependent posts and campaigns).
OAUTH_STATE_LIFETIME = env.int("OAUTH_STATE_LIFETIME", default=600)
OAUTH_CALLBACK_RATE = env.str("OAUTH_CALLBACK_RATE", default="30/m")
CONNECTION_REFRESH_MARGIN = env.int("CONNECTION_REFRESH_MARGIN", default=900)
CONNECTION_EXPIRY_WARNING_DAYS = env.int("CONNECTION_EXPIRY_WARNING_DAYS", default=7)

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
# A creation is given up (the campaign in error) after this many attempts in a row that stored no new level.
ADS_CREATE_MAX_STALLED_ATTEMPTS = env.int("ADS_CREATE_MAX_STALLED_ATTEMPTS", default=8)
ADS_RETRY_MAX_SECONDS = env.float("ADS_RETRY_MAX_SECONDS", default=900.0)
ADS_PUSH_LEASE_SECONDS = env.float("ADS_PUSH_LEASE_SECONDS", default=600.0)

# Store-platform webhooks (Shopify, WooCommerce): a body over STORE_WEBHOOK_MAX_BYTES is refused with 413 before it
# is read in full (the receiver reads at most that many bytes + 1 from the stream). A JSON body is also bounded by
# DATA_UPLOAD_MAX_MEMORY_SIZE, which growthhub.request_guard checks on every JSON request before any view (413 too),
# so the smaller of the two decides; request.body alone would not refuse a body sent without Content-Length.
# STORE_WEBHOOK_RATE limits each sending address. A delivery still waiting after STORE_WEBHOOK_SWEEP_SECONDS (its task
# lost with a worker or the broker) is queued again by the sweep, and given up as failed after
# STORE_WEBHOOK_MAX_ATTEMPTS processing attempts.
STORE_WEBHOOK_MAX_BYTES = env.int("STORE_WEBHOOK_MAX_BYTES", default=1024 * 1024)
STORE_WEBHOOK_RATE = env.str("STORE_WEBHOOK_RATE", default="600/m")
STORE_WEBHOOK_SWEEP_SECONDS = env.int("STORE_WEBHOOK_SWEEP_SECONDS", default=300)
STORE_WEBHOOK_MAX_ATTEMPTS = env.int("STORE_WEBHOOK_MAX_ATTEMPTS", default=10)
# A Shopify bulk operation preparing a store's history is looked at again every STORE_BACKFILL_POLL_SECONDS.
STORE_BACKFILL_POLL_SECONDS = env.int("STORE_BACKFILL_POLL_SECONDS", default=10)
