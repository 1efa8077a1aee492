"""Routes of the sandbox WooCommerce sites: each site's home is ``/sandbox/woocommerce/<handle>``, with
WooCommerce's own paths below it, so a client builds ``{home}/wp-json/wc/v3/...`` as for a real store."""

from django.urls import path

from sandbox.woocommerce import api, keyflow

SITE = "woocommerce/<slug:handle>/"
REST = SITE + "wp-json/wc/v3/"

urlpatterns = [
    path(SITE + "wc-auth/v1/authorize", keyflow.authorize, name="woocommerce-authorize"),
    path(SITE + "wp-json/", api.site_index),
    path(REST + "products", api.products),
    path(REST + "products/<str:product_id>", api.product),
    path(REST + "products/<str:product_id>/variations", api.product_variations),
    path(REST + "customers", api.customers),
    path(REST + "orders", api.orders),
    path(REST + "orders/<str:order_id>", api.order),
    path(REST + "orders/<str:order_id>/refunds", api.order_refunds),
    path(REST + "webhooks", api.webhooks),
    path(REST + "webhooks/<str:webhook_id>", api.webhook),
    path(REST + "system_status", api.system_status),
    path(REST + "settings/general", api.settings_general),
]
