"""Django admin for staff: every stores model is listed with its columns and filters, without N+1 queries, and
without secrets."""

import itertools

import pytest
from django.test import Client

from stores.models import Role, StoreApiKey
from stores.models.connections import PlatformConnection
from stores.services import api_key_create
from tests.factories import MembershipFactory, OrderLineFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_IDS = itertools.count(1)

# Changelist pages with their query count, whatever the number of rows: session, user, the store switcher's
# memberships, counts, the rows with their related rows, the date hierarchy and the filters' choices.
CHANGELISTS = [
    pytest.param("store", 9, id="stores"),
    pytest.param("membership", 7, id="memberships"),
    pytest.param("storeapikey", 7, id="API keys"),
    pytest.param("product", 8, id="products"),
    pytest.param("customer", 9, id="customers"),
    pytest.param("order", 11, id="orders"),
    pytest.param("orderline", 7, id="order lines"),
    pytest.param("platformconnection", 7, id="platform connections"),
]


@pytest.fixture
def staff_client(db) -> Client:
    client = Client()
    client.force_login(UserFactory(email="staff@growthhub.test", is_staff=True, is_superuser=True))
    return client


def _fill(store, other_store, n: int) -> None:
    owner = MembershipFactory(store=store, role=Role.OWNER).user
    for i in range(n):
        MembershipFactory(store=store if i % 2 else other_store, role=Role.MARKETER)
        api_key_create(store=store, name=f"Key {i}", created_by=owner)
        OrderLineFactory(order__store=store if i % 2 else other_store)
        PlatformConnection.objects.create(
            store=store,
            platform="tiktok",
            external_account_id=f"acct-{next(ACCOUNT_IDS)}",
            external_account_name=f"Account {i}",
        )


@pytest.mark.parametrize(("model", "queries"), CHANGELISTS)
def test_each_changelist_loads_in_a_fixed_number_of_queries(
    staff_client, store, other_store, model, queries, django_assert_num_queries
):
    # given a few rows of everything
    _fill(store, other_store, 2)
    url = f"/admin/stores/{model}/"
    assert staff_client.get(url).status_code == 200
    # when there are many more rows
    _fill(store, other_store, 6)
    # then the page still runs the same queries
    with django_assert_num_queries(queries):
        response = staff_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "text"),
    [
        pytest.param("/admin/stores/order/?status__exact=paid", "Order", id="orders filtered by status"),
        pytest.param("/admin/stores/order/?utm_source=instagram", "Order", id="orders filtered by utm source"),
        pytest.param("/admin/stores/order/?q=1001", "Order", id="orders searched by external id"),
        pytest.param("/admin/stores/product/?q=Merino", "Merino", id="products searched by title"),
        pytest.param("/admin/stores/membership/?q=northwind", "Membership", id="memberships searched by store"),
        pytest.param("/admin/stores/storeapikey/?revoked_at__isempty=1", "API key", id="live API keys"),
    ],
)
def test_filters_and_search_answer(staff_client, store, other_store, url, text):
    _fill(store, other_store, 2)
    response = staff_client.get(url)
    assert response.status_code == 200
    assert text in response.content.decode()


def test_store_and_order_pages_show_their_inlines(staff_client, store, other_store):
    _fill(store, other_store, 2)
    line = OrderLineFactory(order__store=store, product=ProductFactory(store=store, title="Alpine Beanie"))
    store_page = staff_client.get(f"/admin/stores/store/{store.pk}/change/").content.decode()
    order_page = staff_client.get(f"/admin/stores/order/{line.order.pk}/change/").content.decode()
    assert "memberships-TOTAL_FORMS" in store_page
    assert "lines-TOTAL_FORMS" in order_page
    assert 'value="Alpine Beanie"' in order_page


def test_api_keys_are_read_only_and_never_show_their_hash(staff_client, store, owner):
    # given a key
    key, raw = api_key_create(store=store, name="ERP", created_by=owner)
    # when staff look at the list and the key's page
    listing = staff_client.get("/admin/stores/storeapikey/").content.decode()
    detail = staff_client.get(f"/admin/stores/storeapikey/{key.pk}/change/")
    add = staff_client.get("/admin/stores/storeapikey/add/")
    # then the prefix shows, the hash and the raw key never do, and nothing can be edited or added
    assert key.prefix in listing
    for body in (listing, detail.content.decode()):
        assert key.key_hash not in body
        assert raw not in body
    assert 'name="name"' not in detail.content.decode()
    assert add.status_code == 403


def test_staff_revoke_keys_with_an_admin_action(staff_client, store, owner):
    key, _raw = api_key_create(store=store, name="ERP", created_by=owner)
    response = staff_client.post(
        "/admin/stores/storeapikey/", {"action": "revoke_keys", "_selected_action": [key.pk]}, follow=True
    )
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert "Revoked 1 key(s)." in response.content.decode()
    assert StoreApiKey.objects.filter(revoked_at__isnull=True).count() == 0


def test_connection_tokens_never_show_in_the_admin(staff_client, store):
    connection = PlatformConnection(store=store, platform="tiktok", external_account_id="acct-1")
    connection.access_token = "act.secret-access-token-value"
    connection.refresh_token = "rft.secret-refresh-token-value"
    connection.save()
    pages = [
        staff_client.get("/admin/stores/platformconnection/").content.decode(),
        staff_client.get(f"/admin/stores/platformconnection/{connection.pk}/change/").content.decode(),
    ]
    for body in pages:
        assert "secret-access-token-value" not in body
        assert "secret-refresh-token-value" not in body
        assert connection.access_token_encrypted not in body
        assert "access_token_encrypted" not in body
