"""``import_products`` / ``import_orders``: the report printed, exit status, --dry-run, and the write."""

from io import StringIO

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from stores.models import Order, OrderLine, Product
from tests.stores.csv_import_helpers import ORDERS_CSV, ORDERS_HEADER, PRODUCTS_CSV

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def orders_file(tmp_path):
    path = tmp_path / "orders_export.csv"
    path.write_text(ORDERS_CSV)
    return path


def test_import_orders_prints_the_report_writes_the_orders_and_shows_progress(store, orders_file):
    # given Shopify's orders export of two orders
    # when it is imported into Northwind
    out, err = _run("import_orders", str(orders_file), "--store", "northwind")
    # then the report and the result are printed, the bar went to stderr, and the orders are in
    assert out.splitlines() == [
        "orders_export.csv: 3 rows, 2 orders (2 new, 0 to update, 0 left to the connected platform).",
        "No problems found.",
        "Imported into Northwind Outfitters: 2 created, 0 updated, 0 left to the connected platform.",
    ]
    assert "2/2" in err
    assert sorted(Order.objects.filter(store=store).values_list("name", flat=True)) == ["#1001", "#1002"]
    # and a second run updates the same orders
    out, _ = _run("import_orders", str(orders_file), "--store", "northwind")
    assert "(0 new, 2 to update" in out and "0 created, 2 updated" in out
    assert Order.objects.filter(store=store).count() == 2 and OrderLine.objects.filter(store=store).count() == 3


def test_a_dry_run_prints_the_report_and_writes_nothing(store, tmp_path):
    path = tmp_path / "products.csv"
    path.write_text(PRODUCTS_CSV)
    out, _ = _run("import_products", str(path), "--store", "northwind", "--dry-run")
    assert out.splitlines() == [
        "products.csv: 3 rows, 2 products (2 new, 0 to update, 0 left to the connected platform).",
        "No problems found.",
        "Dry run: nothing was written.",
    ]
    assert not Product.objects.exists()


def test_a_file_with_problems_prints_them_and_fails_with_nothing_written(store, tmp_path):
    # given an orders file whose second order has a bad status
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS_CSV + "#1003,,maybe,,,USD,9.00,0,0,9.00,,0,2025-11-01 10:00:00 +0000,1,Mug,9.00,,,,,,\n")
    out = StringIO()
    # when it is imported
    with pytest.raises(CommandError, match=r"^1 problem\(s\) found; nothing was imported.$"):
        call_command("import_orders", str(path), "--store", "northwind", stdout=out, stderr=StringIO())
    # then the problem is printed with its line and nothing is written (the good orders neither)
    assert out.getvalue().splitlines()[1:] == [
        "1 problem(s); nothing can be imported until they are fixed:",
        "  line 5, Financial Status: 'maybe' is not one of authorized, paid, partially_paid, partially_refunded, "
        "pending, refunded, voided.",
    ]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--store", "nowhere"], "No store has the address 'nowhere'.", id="an unknown store"),
        pytest.param(["--store", "northwind", "--missing"], "cannot be read: No such file or directory.", id="no file"),
    ],
)
def test_an_unknown_store_or_file_is_refused(store, orders_file, args, message):
    path = str(orders_file) + ".missing" if "--missing" in args else str(orders_file)
    args = [a for a in args if a != "--missing"]
    with pytest.raises(CommandError, match=message):
        call_command("import_orders", path, *args, stdout=StringIO(), stderr=StringIO())
    assert not Order.objects.exists()


def test_the_command_exits_with_status_1_and_one_line_on_problems(store, tmp_path, capsys, monkeypatch):
    # given a file that is not an orders export, run from the command line as an operator would (the test keeps
    # its database connection, which the command line closes when it ends)
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS_HEADER.replace("Name,", "Number,"))
    # when the command runs
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_orders", str(path), "--store", "northwind"]).execute()
    # then it exits with status 1 and says why in one line, without a traceback
    assert exited.value.code == 1
    assert capsys.readouterr().err == "CommandError: 1 problem(s) found; nothing was imported.\n"
    assert not Order.objects.exists()


def test_a_long_report_prints_the_first_fifty_problems_and_counts_the_rest(store, tmp_path):
    # given 52 orders each with a bad status
    bad = "".join(f"#{n},,maybe,,,USD,9.00,0,0,9.00,,0,2025-11-01 10:00:00 +0000,1,Mug,9.00,,,,,,\n" for n in range(52))
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS_HEADER + bad)
    out = StringIO()
    # when it is checked
    with pytest.raises(CommandError, match=r"^52 problem"):
        call_command("import_orders", str(path), "--store", "northwind", "--dry-run", stdout=out, stderr=StringIO())
    # then fifty are printed, by line, and the rest counted
    lines = out.getvalue().splitlines()
    assert lines[1] == "52 problem(s); nothing can be imported until they are fixed:"
    assert lines[2].startswith("  line 2, Financial Status:") and lines[51].startswith("  line 51, Financial Status:")
    assert lines[52:] == ["  ... and 2 more."]
