from stores.imports.shopify_csv import PRODUCTS
from stores.management.commands._csv_import import CsvImportCommand


class Command(CsvImportCommand):
    help = (
        "Import Shopify's products export (CSV) into a store: prints the validation report, writes nothing when it "
        "finds problems (exit status 1), otherwise writes the whole file in one go."
        " The same file twice gives the same rows."
    )
    kind = PRODUCTS
