from stores.imports.shopify_csv import ORDERS
from stores.management.commands._csv_import import CsvImportCommand


class Command(CsvImportCommand):
    help = (
        "Import Shopify's orders export (CSV) into a store: prints the validation report, writes nothing when it "
        "finds problems (exit status 1), otherwise writes the whole file in one go."
        " The same file twice gives the same rows."
    )
    kind = ORDERS
