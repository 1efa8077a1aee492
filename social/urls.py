from django.urls import path

from social import views

app_name = "social"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("plan/", views.plan, name="plan"),
    path("calendars/<int:calendar_id>/", views.calendar_preview, name="calendar_preview"),
    path("calendars/<int:calendar_id>/schedule/", views.calendar_schedule, name="calendar_schedule"),
    path("compose/", views.compose, name="compose"),
    path("posts/", views.post_list, name="posts"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:post_id>/publish/", views.post_publish_now_view, name="post_publish_now"),
    path("posts/<int:post_id>/retry/", views.post_retry_view, name="post_retry"),
    path("posts/<int:post_id>/cancel/", views.post_cancel_view, name="post_cancel"),
]
