"""Connect the demo store's seeded platform connections to the sandbox's demo accounts (run with the demo up)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from demo.connect import demo_connections_connect, demo_owner_get
from stores.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Sign the demo store's connections in at the running sandbox (real OAuth consents over HTTP at "
        "SANDBOX_BASE_URL); connections already active are left alone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            store, user = demo_owner_get()
            outcomes = demo_connections_connect(store=store, user=user)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for outcome in outcomes:
            self.stdout.write(outcome.line)
        failed = [o for o in outcomes if o.status in ("failed", "missing")]
        if failed:
            raise CommandError(f"{len(failed)} of {len(outcomes)} demo connections are not active.")
