from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from stores.crypto_rotation import encrypted_rows_count, encrypted_secrets_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret (platform tokens, OAuth PKCE verifiers, every *_encrypted field) with the "
        "first key of FIELD_ENCRYPTION_KEYS. Put the new key first, run this, then remove the old key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args: object, **options: Any) -> None:
        with tqdm(total=encrypted_rows_count(), unit="row", file=self.stderr, disable=options["verbosity"] == 0) as bar:
            rewritten = encrypted_secrets_rotate(batch_size=options["batch_size"], progress=bar.update)
        self.stdout.write(f"Re-encrypted {rewritten} rows with the primary key.")
