"""In a real browser: upload a Shopify export, read its report, import it and watch it finish, under the strict CSP."""

import pytest
from allauth.account.models import EmailAddress

from stores.models import Order
from tests.factories import MembershipFactory, StoreFactory, UserFactory
from tests.stores.csv_import_helpers import ORDERS_CSV

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_imports_orders_from_the_page(live_server, page, tmp_path, eager_celery):
    # given a signed-in owner of Northwind and Shopify's orders export on their disk
    user = UserFactory(email="owner@northwind.test")
    EmailAddress.objects.get_or_create(user=user, email=user.email, verified=True, primary=True)
    store = StoreFactory(name="Northwind Outfitters", slug="northwind")
    MembershipFactory(store=store, user=user)
    export = tmp_path / "orders_export.csv"
    export.write_text(ORDERS_CSV)
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "owner@northwind.test")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/hub/")
    # when they open Import CSV from the store's settings and upload the file
    page.goto(f"{live_server.url}/stores/northwind/settings/")
    page.click("text=Import CSV")
    page.select_option("select[name=kind]", "orders")
    page.set_input_files("input[name=file]", str(export))
    page.click("text=Check the file")
    # then the report says what it holds and nothing is written yet
    page.wait_for_selector("text=No problems found.")
    assert "2 orders · 2 new" in page.inner_text("#import-counts")
    assert not Order.objects.exists()
    # when they press Import
    page.click("#import-job button.primary")
    # then the job finishes and the orders are in, with no CSP violation on the way
    page.wait_for_selector("text=Imported: 2 created, 0 updated, 0 left to the connected platform.")
    assert Order.objects.filter(store=store).count() == 2
    assert violations == []
