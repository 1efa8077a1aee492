"""A member of one store never reaches another store: its pages and objects answer 404, as if they did not exist."""

import pytest

from stores.middleware import SESSION_STORE_KEY
from stores.models import Membership, Role, StoreApiKey
from stores.services import api_key_create
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

FOREIGN_PAGES = [
    pytest.param("get", "/stores/contoso/settings/", id="the other store's settings page"),
    pytest.param("post", "/stores/contoso/settings/", id="saving the other store's settings"),
    pytest.param("get", "/stores/contoso/members/", id="the other store's members page"),
    pytest.param("post", "/stores/contoso/members/", id="adding a member to the other store"),
    pytest.param("get", "/stores/contoso/api-keys/", id="the other store's API keys page"),
    pytest.param("post", "/stores/contoso/api-keys/", id="creating a key for the other store"),
    pytest.param("post", "/stores/contoso/switch/", id="switching to the other store"),
]


@pytest.mark.parametrize(("method", "url"), FOREIGN_PAGES)
def test_a_member_of_store_a_gets_404_for_store_b(owner_client, other_store, foreign_membership, method, url):
    # given an owner of Northwind, and Contoso with a member of its own
    # when the Northwind owner asks for one of Contoso's pages
    data = {"name": "Taken over", "currency": "EUR", "timezone": "UTC", "email": "owner@northwind.test"}
    response = getattr(owner_client, method)(url, data) if method == "post" else owner_client.get(url)
    # then it does not exist for them, and Contoso is unchanged
    assert response.status_code == 404
    other_store.refresh_from_db()
    assert other_store.name == "Contoso Candles"
    assert list(Membership.objects.filter(store=other_store).values_list("user__email", flat=True)) == [
        "bob@contoso.test"
    ]
    assert StoreApiKey.objects.filter(store=other_store).count() == 0
    assert owner_client.session.get(SESSION_STORE_KEY) != other_store.id


def test_an_unknown_store_slug_is_404_too(owner_client):
    response = owner_client.get("/stores/no-such-store/settings/")
    assert response.status_code == 404


def test_store_b_objects_are_404_through_store_a_urls(owner_client, store, other_store, foreign_membership):
    # given a member and an API key of Contoso
    key, _raw = api_key_create(store=other_store, name="Contoso ERP", created_by=foreign_membership.user)
    # when the Northwind owner aims Northwind's URLs at Contoso's objects
    role = owner_client.post(f"/stores/northwind/members/{foreign_membership.pk}/role/", {"role": Role.ANALYST})
    remove = owner_client.post(f"/stores/northwind/members/{foreign_membership.pk}/remove/")
    revoke = owner_client.post(f"/stores/northwind/api-keys/{key.pk}/revoke/")
    # then none of them exists there, and nothing of Contoso changed
    assert (role.status_code, remove.status_code, revoke.status_code) == (404, 404, 404)
    foreign_membership.refresh_from_db()
    key.refresh_from_db()
    assert foreign_membership.role == Role.MARKETER
    assert key.revoked_at is None


def test_the_hub_shows_the_session_store_only_when_the_user_is_a_member(client, store, other_store):
    # given a user in Northwind only, whose session somehow remembers Contoso
    user = MembershipFactory(store=store, role=Role.MARKETER).user
    client.force_login(user)
    session = client.session
    session[SESSION_STORE_KEY] = other_store.id
    session.save()
    # when they open the hub
    response = client.get("/hub/")
    # then they see their own store, never Contoso
    body = response.content.decode()
    assert response.status_code == 200
    assert "Northwind Outfitters" in body
    assert "Contoso Candles" not in body


def test_switching_stores_changes_which_store_the_hub_shows(client, store, other_store):
    # given a user who works on both stores
    user = UserFactory(email="both@example.com")
    MembershipFactory(store=store, user=user, role=Role.OWNER)
    MembershipFactory(store=other_store, user=user, role=Role.ANALYST)
    client.force_login(user)
    # when they switch to Contoso
    response = client.post("/stores/contoso/switch/")
    # then the hub shows Contoso, with their role there
    assert response.status_code == 302
    assert response["Location"] == "/hub/"
    hub = client.get("/hub/").content.decode()
    assert '<span class="store-name">Contoso Candles</span> <span class="role">Analyst</span>' in hub
    assert client.session[SESSION_STORE_KEY] == other_store.id


def test_the_switcher_lists_every_store_of_the_user_and_links_to_settings(client, store, other_store):
    user = UserFactory(email="both@example.com")
    MembershipFactory(store=store, user=user, role=Role.OWNER)
    MembershipFactory(store=other_store, user=user, role=Role.MARKETER)
    client.force_login(user)
    body = client.get("/hub/").content.decode()
    assert 'action="/stores/contoso/switch/"' in body
    assert 'action="/stores/northwind/switch/"' in body
    assert 'href="/stores/contoso/settings/">Store settings</a>' in body


def test_opening_a_store_page_makes_that_store_current(client, store, other_store):
    # given a user in both stores, currently on Northwind
    user = UserFactory(email="both@example.com")
    MembershipFactory(store=store, user=user, role=Role.OWNER)
    MembershipFactory(store=other_store, user=user, role=Role.MARKETER)
    client.force_login(user)
    client.post("/stores/northwind/switch/")
    # when they open Contoso's settings
    client.get("/stores/contoso/settings/")
    # then the hub goes on with Contoso
    assert client.session[SESSION_STORE_KEY] == other_store.id


def test_a_switch_needs_a_post(owner_client):
    response = owner_client.get("/stores/northwind/switch/")
    assert response.status_code == 405


def test_a_signed_in_user_without_a_store_is_sent_to_create_one(client, db):
    client.force_login(UserFactory())
    response = client.get("/hub/")
    assert response.status_code == 302
    assert response["Location"] == "/stores/new/"


def test_creating_a_store_makes_the_user_its_owner_and_the_current_store(owner_client, owner, store):
    # given an owner of Northwind
    # when they create a second store
    response = owner_client.post(
        "/stores/new/",
        {"name": "Fabrikam Tea", "currency": "gbp", "timezone": "Europe/London", "storefront_domain": ""},
    )
    # then they own it and work on it now
    membership = Membership.objects.get(user=owner, store__name="Fabrikam Tea")
    assert response.status_code == 302
    assert (membership.role, membership.store.slug, membership.store.currency) == (Role.OWNER, "fabrikam-tea", "GBP")
    assert owner_client.session[SESSION_STORE_KEY] == membership.store_id


def test_a_second_store_with_the_same_name_gets_its_own_slug(owner_client, owner, store):
    owner_client.post("/stores/new/", {"name": "Northwind", "currency": "USD", "timezone": "UTC"})
    assert Membership.objects.get(user=owner, store__name="Northwind").store.slug == "northwind-2"


def test_creating_a_store_with_a_bad_currency_creates_nothing(owner_client, owner, store):
    response = owner_client.post("/stores/new/", {"name": "Fabrikam", "currency": "1$X", "timezone": "UTC"})
    assert response.status_code == 400
    assert "&#x27;1$X&#x27; is not a three-letter currency code." in response.content.decode()
    assert Membership.objects.filter(user=owner).count() == 1


def test_the_new_store_page_renders(owner_client):
    response = owner_client.get("/stores/new/")
    assert response.status_code == 200
    assert "Create a store" in response.content.decode()
