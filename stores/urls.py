from django.urls import path

from stores import views

app_name = "stores"

urlpatterns = [
    path("new/", views.store_create, name="create"),
    path("<slug:store_slug>/switch/", views.store_switch, name="switch"),
    path("<slug:store_slug>/settings/", views.store_settings, name="settings"),
    path("<slug:store_slug>/members/", views.store_members, name="members"),
    path("<slug:store_slug>/members/<int:membership_id>/role/", views.member_change_role, name="member_role"),
    path("<slug:store_slug>/members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("<slug:store_slug>/api-keys/", views.store_api_keys, name="api_keys"),
    path("<slug:store_slug>/api-keys/<int:key_id>/revoke/", views.api_key_revoke_view, name="api_key_revoke"),
]
