from django.core.management.base import BaseCommand

from sandbox.services import sandbox_bootstrap


class Command(BaseCommand):
    help = "Create the sandbox platforms' apps (from PLATFORM_CREDENTIALS) and demo accounts. Idempotent."

    def handle(self, *args: object, **options: object) -> None:
        created = sandbox_bootstrap()
        self.stdout.write(f"Sandbox ready: {created['apps']} apps and {created['accounts']} accounts created.")
