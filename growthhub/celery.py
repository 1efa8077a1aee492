"""The Celery application; tasks live in each app's ``tasks.py``, schedules in ``growth.schedule``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "growthhub.settings")

app = Celery("growthhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
