from django.urls import path

from growth import views

app_name = "growth"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("social/", views.social, name="social"),
    path("ads/", views.ads, name="ads"),
    path("analytics/", views.analytics, name="analytics"),
    path("automation/", views.automation, name="automation"),
]
