import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sandbox.services import sandbox_faults_apply


class Command(BaseCommand):
    help = (
        "Set the sandbox's fault injection, e.g. "
        '`sandbox_faults \'{"x": {"error_rate": 0.2}, "*": {"latency_ms": 50}}\'`, '
        "or `--from-settings` to apply SANDBOX_FAULTS. `--replace` removes faults of platforms not named."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("faults", nargs="?", help="JSON object keyed by platform slug ('*' = every platform)")
        parser.add_argument("--from-settings", action="store_true", help="apply settings.SANDBOX_FAULTS")
        parser.add_argument("--replace", action="store_true", help="remove the faults of platforms not named")

    def handle(self, *args: object, **options: Any) -> None:
        if options["from_settings"]:
            faults = settings.SANDBOX_FAULTS
        elif options["faults"]:
            try:
                faults = json.loads(options["faults"])
            except ValueError as exc:
                raise CommandError(f"Not valid JSON: {exc}") from exc
        else:
            raise CommandError("Give a JSON object of faults or --from-settings.")
        if not isinstance(faults, dict):
            raise CommandError("Faults must be a JSON object keyed by platform.")
        try:
            count = sandbox_faults_apply(faults=faults, replace=options["replace"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Fault settings written for {count} platform(s).")
