from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from growthhub import health
from growthhub.api import api
from platforms.constants import SHOPIFY, WOOCOMMERCE
from stores.commerce.views import store_webhook

# allauth's own rate limits (login, sign-up, password reset) answer through this view as well.
handler429 = "stores.views.ratelimited"

urlpatterns = [
    path("", RedirectView.as_view(url="/hub/", permanent=False)),
    # Browsers ask for /favicon.ico on every site whatever the page links; answer with the static icon.
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg", permanent=True)),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/", api.urls),
    path("stores/", include("stores.urls")),
    path("hub/", include("growth.urls")),
    path("social/", include("social.urls")),
    path("ads/", include("ads.urls")),
    path("analytics/", include("analytics.urls")),
    # django-prometheus's exposition behind the monitoring token / network check.
    path("metrics", health.metrics, name="prometheus-django-metrics"),
    # The store platforms' signed webhooks: no login, no CSRF, no language prefix (the platform posts here).
    path("webhooks/shopify/", store_webhook, {"platform": SHOPIFY}, name="store-webhook-shopify"),
    path("webhooks/woocommerce/", store_webhook, {"platform": WOOCOMMERCE}, name="store-webhook-woocommerce"),
]

if settings.PLATFORM_MODE == "sandbox":
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))
