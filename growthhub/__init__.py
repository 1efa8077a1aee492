"""Growth Hub: a self-hosted marketing command centre for independent online stores."""

from growthhub.celery import app as celery_app

__all__ = ["celery_app"]
