from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns: list = [
    path("<slug:store_slug>/orders/<int:order_id>/journey/", views.order_journey, name="order_journey"),
]
