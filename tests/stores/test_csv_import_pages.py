"""The CSV import page: upload, report, Import or Cancel, the progress while the task writes, and the result."""

import pytest
from django.test import Client

from stores.models import ImportJob, ImportStatus, Order, OrderLine, Product, Role
from tests.factories import MembershipFactory, UserFactory
from tests.stores.csv_import_helpers import ORDERS_CSV, PRODUCTS_CSV, upload

pytestmark = pytest.mark.django_db

IMPORTS_URL = "/stores/northwind/imports/"


def _upload(client, text, kind="orders", name="orders_export.csv", url=IMPORTS_URL):
    return client.post(url, {"kind": kind, "file": upload(text, name)})


def test_upload_report_import_done(owner_client, store, eager_celery, django_capture_on_commit_callbacks):
    # given the owner on the import page, reached from the store's settings tabs
    assert f'href="{IMPORTS_URL}"' in owner_client.get("/stores/northwind/settings/").content.decode()
    # when they upload Shopify's orders export
    response = _upload(owner_client, ORDERS_CSV)
    job = ImportJob.objects.get(store=store)
    # then they are sent to its report: counts, no problems, Import and Cancel; nothing is written yet
    assert response.status_code == 302 and response["Location"] == f"{IMPORTS_URL}{job.pk}/"
    page = owner_client.get(response["Location"]).content.decode()
    assert "3 rows: 2 orders · 2 new · 0 to update · 0 kept by the connected platform" in page
    assert "No problems found." in page and ">Import</button>" in page and ">Cancel</button>" in page
    assert not Order.objects.exists()
    # when they press Import (htmx) and the task runs
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"{IMPORTS_URL}{job.pk}/import/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="import-job" class="card"')
    # then the job is done with its counts, the upload is discarded, and the orders are in
    job.refresh_from_db()
    assert (job.status, job.created, job.updated, job.records_done, job.content) == (ImportStatus.DONE, 2, 0, 2, "")
    assert Order.objects.filter(store=store).count() == 2 and OrderLine.objects.filter(store=store).count() == 3
    # and the page shows the result and stops polling
    fragment = owner_client.get(f"{IMPORTS_URL}{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "Imported: 2 created, 0 updated, 0 left to the connected platform." in fragment
    assert "hx-trigger" not in fragment
    # and a second confirmation of the same job is refused and writes nothing more
    again = owner_client.post(f"{IMPORTS_URL}{job.pk}/import/")
    assert again.status_code == 409 and Order.objects.filter(store=store).count() == 2


def test_a_confirmed_import_shows_a_progress_bar_polled_until_done(owner_client, store):
    # given a checked products file confirmed while no worker has run it yet
    _upload(owner_client, PRODUCTS_CSV, kind="products", name="products.csv")
    job = ImportJob.objects.get(store=store)
    owner_client.post(f"{IMPORTS_URL}{job.pk}/import/")
    # when the page is polled
    fragment = owner_client.get(f"{IMPORTS_URL}{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    # then it shows the bar at 0 of 2 and polls again every second, without the buttons
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED
    assert '<progress id="import-progress" max="100" value="0">' in fragment and "0 of 2 written" in fragment
    assert 'hx-trigger="every 1s"' in fragment and ">Import</button>" not in fragment
    assert not Product.objects.exists()


def test_cancel_writes_nothing_and_discards_the_upload(owner_client, store, eager_celery):
    # given a checked orders file
    _upload(owner_client, ORDERS_CSV)
    job = ImportJob.objects.get(store=store)
    # when the owner cancels it
    response = owner_client.post(f"{IMPORTS_URL}{job.pk}/cancel/")
    # then nothing is written, the upload is gone, and it can no longer be imported
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.content) == (ImportStatus.CANCELLED, "")
    assert owner_client.post(f"{IMPORTS_URL}{job.pk}/import/").status_code == 409
    assert not Order.objects.exists()
    assert "Cancelled: nothing was written" in owner_client.get(f"{IMPORTS_URL}{job.pk}/").content.decode()


def test_a_file_with_problems_shows_them_and_cannot_be_imported(owner_client, store):
    # given an orders file with a bad status on its last order
    bad = ORDERS_CSV + "#1003,,maybe,,,USD,9.00,0,0,9.00,,0,2025-11-01 10:00:00 +0000,1,Mug,9.00,,,,,,\n"
    # when it is uploaded
    response = _upload(owner_client, bad)
    job = ImportJob.objects.get(store=store)
    page = owner_client.get(response["Location"]).content.decode()
    # then the report lists the problem by line, keeps no upload, and offers no Import
    assert "4 rows read: 2 orders understood." in page
    assert "1 problem found: nothing can be imported." in page
    assert "<td>5</td><td>Financial Status</td><td>&#x27;maybe&#x27; is not one of" in page
    assert (job.status, job.content, job.problems_count) == (ImportStatus.REJECTED, "", 1)
    assert ">Import</button>" not in page
    assert owner_client.post(f"{IMPORTS_URL}{job.pk}/import/").status_code == 409
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"\xff\xfeN\x00a\x00", "The file is not UTF-8 text.", id="a UTF-16 file"),
        pytest.param(b"", "The submitted file is empty.", id="an empty file"),
    ],
)
def test_an_unreadable_upload_is_refused_on_the_form_and_nothing_is_kept(owner_client, store, data, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = owner_client.post(IMPORTS_URL, {"kind": "orders", "file": SimpleUploadedFile("o.csv", data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("role", [Role.MARKETER, Role.ANALYST])
def test_members_who_do_not_manage_the_store_cannot_import(store, client_as, role):
    client = client_as(store, role)
    assert client.get(IMPORTS_URL).status_code == 403
    assert _upload(client, ORDERS_CSV).status_code == 403
    assert not ImportJob.objects.exists()
    assert "Import CSV" not in client.get("/stores/northwind/settings/").content.decode()


def test_another_store_s_member_cannot_see_confirm_or_cancel_an_import(owner_client, store, other_store):
    # given a checked import of Northwind, and the owner of Contoso
    _upload(owner_client, ORDERS_CSV)
    job = ImportJob.objects.get(store=store)
    outsider = Client()
    outsider.force_login(MembershipFactory(store=other_store, role=Role.OWNER, user=UserFactory()).user)
    # when they ask for it through Northwind's address or through their own store's
    for base in (IMPORTS_URL, "/stores/contoso/imports/"):
        assert outsider.get(f"{base}{job.pk}/").status_code == 404
        assert outsider.post(f"{base}{job.pk}/import/").status_code == 404
        assert outsider.post(f"{base}{job.pk}/cancel/").status_code == 404
    assert outsider.get(IMPORTS_URL).status_code == 404
    # then the job is untouched, and their own import list does not show it
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED and job.content
    assert "orders_export.csv" not in outsider.get("/stores/contoso/imports/").content.decode()


def test_an_empty_catalogue_points_owners_to_the_import_and_not_marketers(owner_client, store, client_as):
    # given a store without products
    # when the owner and a marketer open the content planner
    owner_page = owner_client.get("/social/plan/").content.decode()
    marketer_page = client_as(store, Role.MARKETER).get("/social/plan/").content.decode()
    # then only the owner, who may import, is offered the import page
    assert f'<a href="{IMPORTS_URL}">import Shopify\'s products export</a>' in owner_page
    assert IMPORTS_URL not in marketer_page


def test_an_upload_over_the_server_s_limit_is_a_413_before_it_is_read(owner_client, store, settings):
    # given a server that takes multipart bodies of at most 1 MB
    settings.MULTIPART_MAX_BYTES = 1024 * 1024
    # when a 2 MB file is uploaded
    response = _upload(owner_client, ORDERS_CSV + "x" * (2 * 1024 * 1024))
    # then it is refused whole, and nothing is kept
    assert response.status_code == 413
    assert "The upload is larger than the 1 MB this server accepts." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_over_the_import_limit_is_refused_on_the_form(owner_client, store, monkeypatch):
    # given an import limit of 1 MB
    monkeypatch.setattr("stores.imports.forms.MAX_FILE_BYTES", 1024 * 1024)
    # when a larger file is uploaded
    response = _upload(owner_client, ORDERS_CSV + "x" * (1024 * 1024))
    # then the form says so and nothing is kept
    assert response.status_code == 400
    assert "The file is larger than 1 MB; export fewer rows at a time." in response.content.decode()
    assert not ImportJob.objects.exists()
