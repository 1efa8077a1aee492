"""The sandbox's routes, one prefix per platform, mounted at /sandbox/ when PLATFORM_MODE=sandbox."""

from django.urls import path  # noqa: F401 - platform routes are added below

app_name = "sandbox"

urlpatterns: list = []
