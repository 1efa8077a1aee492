from django.urls import path

from stores import views

app_name = "stores"

urlpatterns = [
    path("new/", views.store_create, name="create"),
    path("<slug:slug>/switch/", views.store_switch, name="switch"),
]
