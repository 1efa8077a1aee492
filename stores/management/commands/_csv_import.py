"""The shared body of ``import_products`` and ``import_orders``: check a Shopify export, print the report, write it.

It asks nothing: the report is printed, a file with problems exits with status 1 and writes nothing, ``--dry-run``
stops after the report, and otherwise the file is written in one transaction with a progress bar on stderr.
"""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from stores.exceptions import ApplicationError
from stores.imports.writer import MAX_FILE_BYTES, csv_text_decode, import_read, import_report_lines, import_write
from stores.selectors import store_get_by_slug


class CsvImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=f"the CSV file of Shopify's {self.kind} export")
        parser.add_argument("--store", required=True, help="the store's address (its slug, as in /stores/<slug>/)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and print the report only")

    def _text(self, path: str) -> str:
        try:
            if os.path.getsize(path) > MAX_FILE_BYTES:
                raise CommandError(f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(f"{path} cannot be read: {exc.strerror}.") from None
        try:
            return csv_text_decode(data=data)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None

    def handle(self, *args: object, **options: Any) -> None:
        try:
            store = store_get_by_slug(slug=options["store"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        report = import_read(store=store, kind=self.kind, text=self._text(options["file"]), now=timezone.now())
        for line in import_report_lines(report=report, filename=os.path.basename(options["file"])):
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"{len(report.problems)} problem(s) found; nothing was imported.")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
            return
        with tqdm(
            total=len(report.records), unit=self.kind[:-1], file=self.stderr, disable=options["verbosity"] == 0
        ) as bar:
            done = 0

            def progress(count: int) -> None:
                nonlocal done
                bar.update(count - done)
                done = count

            try:
                result = import_write(store=store, report=report, progress=progress)
            except ApplicationError as exc:
                raise CommandError(exc.message) from None
        self.stdout.write(
            f"Imported into {store.name}: {result.created} created, {result.updated} updated, "
            f"{result.skipped} left to the connected platform."
        )
