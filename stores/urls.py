from django.urls import path

from stores import views
from stores.commerce import pages as commerce_pages
from stores.connections import views as connection_views
from stores.imports import views as import_views

app_name = "stores"

urlpatterns = [
    path("new/", views.store_create, name="create"),
    path("connections/", connection_views.connections_page, name="connections"),
    path("connections/pick/<int:state_id>/", connection_views.connection_pick, name="connection_pick"),
    path(
        "connections/<int:connection_id>/disconnect/",
        connection_views.connection_disconnect_view,
        name="connection_disconnect",
    ),
    path("connections/shopify/install/", connection_views.shopify_connect, name="shopify_connect"),
    path("connections/woocommerce/authorize/", connection_views.woocommerce_connect, name="woocommerce_connect"),
    path("connections/woocommerce/keys/", connection_views.woocommerce_keys, name="woocommerce_keys"),
    path("connections/woocommerce/paste/", connection_views.woocommerce_paste, name="woocommerce_paste"),
    path("connections/<slug:platform>/connect/", connection_views.connection_connect, name="connection_connect"),
    path("connections/<slug:platform>/callback/", connection_views.connection_callback, name="connection_callback"),
    path("<slug:store_slug>/switch/", views.store_switch, name="switch"),
    path("<slug:store_slug>/settings/", views.store_settings, name="settings"),
    path("<slug:store_slug>/members/", views.store_members, name="members"),
    path("<slug:store_slug>/members/<int:membership_id>/role/", views.member_change_role, name="member_role"),
    path("<slug:store_slug>/members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("<slug:store_slug>/products/", commerce_pages.products_page, name="products"),
    path("<slug:store_slug>/products/<int:product_id>/cost/", commerce_pages.product_unit_cost, name="product_cost"),
    path("<slug:store_slug>/orders/", commerce_pages.orders_page, name="orders"),
    path("<slug:store_slug>/orders/<int:order_id>/", commerce_pages.order_page, name="order"),
    path("<slug:store_slug>/api-keys/", views.store_api_keys, name="api_keys"),
    path("<slug:store_slug>/imports/", import_views.imports_page, name="imports"),
    path("<slug:store_slug>/imports/<int:job_id>/", import_views.import_job_page, name="import_job"),
    path("<slug:store_slug>/imports/<int:job_id>/import/", import_views.import_job_confirm_view, name="import_confirm"),
    path("<slug:store_slug>/imports/<int:job_id>/cancel/", import_views.import_job_cancel_view, name="import_cancel"),
    path("<slug:store_slug>/api-keys/<int:key_id>/revoke/", views.api_key_revoke_view, name="api_key_revoke"),
]
