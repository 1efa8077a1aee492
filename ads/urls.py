from django.urls import path

from ads import views

app_name = "ads"

urlpatterns = [
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/pause/", views.campaign_pause, name="pause"),
    path("campaigns/<int:campaign_id>/resume/", views.campaign_resume, name="resume"),
    path("campaigns/<int:campaign_id>/budget/", views.campaign_budget, name="budget"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:rule_id>/preview/", views.rule_preview, name="rule_preview"),
    path("rules/<int:rule_id>/delete/", views.rule_remove, name="rule_delete"),
    path("settings/", views.ad_settings, name="settings"),
]
