"""Writes ``growth.schedule.SCHEDULES`` into django-celery-beat; removes schedules no longer declared."""

from django.core.management.base import BaseCommand

from growth.services import schedules_sync


class Command(BaseCommand):
    help = "Create or update the periodic tasks declared in growth.schedule."

    def handle(self, *args: object, **options: object) -> None:
        created, updated, removed = schedules_sync()
        self.stdout.write(f"schedules: {created} created, {updated} updated, {removed} removed")
