"""The sandbox's routes, mounted at /sandbox/ when PLATFORM_MODE=sandbox.

Each platform lives under its slug (``/sandbox/x/2/tweets``, ``/sandbox/meta_ads/v26.0/act_1/campaigns``) with
the platform's own paths below it, so a client or an SDK only swaps its base URL.
"""

from django.urls import include, path

app_name = "sandbox"

urlpatterns: list = []
urlpatterns += [path("", include("sandbox.oauth.urls"))]
urlpatterns += [path("", include("sandbox.ads.urls"))]
urlpatterns += [path("", include("sandbox.social.urls"))]
urlpatterns += [path("", include("sandbox.woocommerce.urls"))]
urlpatterns += [path("", include("sandbox.shopify.urls"))]
