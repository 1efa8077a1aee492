"""The store's settings and members pages: what owners and admins change, and what a bad input gets."""

import pytest

from stores.models import Membership, Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/stores/northwind/settings/"
MEMBERS_URL = "/stores/northwind/members/"


def test_the_settings_page_shows_the_store_as_it_is(owner_client):
    response = owner_client.get(SETTINGS_URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="name" value="Northwind Outfitters"' in body
    assert '<option value="America/New_York" selected>' in body
    assert 'name="currency" value="USD"' in body
    assert "Save settings" in body


def test_an_owner_saves_the_settings(owner_client, store):
    # given the owner of Northwind
    # when they change the name, currency, zone and domain
    response = owner_client.post(
        SETTINGS_URL,
        {
            "name": "Northwind Trading",
            "currency": "eur",
            "timezone": "Europe/Berlin",
            "storefront_domain": "https://Shop.Northwind.example/products",
        },
    )
    # then the store has them (domain reduced to the host) and the slug is kept
    assert response.status_code == 302
    assert response["Location"] == SETTINGS_URL
    store.refresh_from_db()
    assert (store.name, store.currency, store.timezone, store.storefront_domain, store.slug) == (
        "Northwind Trading",
        "EUR",
        "Europe/Berlin",
        "shop.northwind.example",
        "northwind",
    )
    assert "Store settings saved." in owner_client.get(SETTINGS_URL).content.decode()


def test_an_admin_saves_the_settings_through_htmx_and_gets_the_panel(store, client_as):
    client = client_as(store, Role.ADMIN)
    response = client.post(
        SETTINGS_URL,
        {"name": "Northwind Trading", "currency": "USD", "timezone": "UTC", "storefront_domain": ""},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith('<section id="settings-panel" class="card">')
    assert "<html" not in body
    assert '<div id="messages" class="messages" aria-live="polite" hx-swap-oob="true">' in body
    assert "Store settings saved." in body
    store.refresh_from_db()
    assert store.name == "Northwind Trading"


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        pytest.param(
            {"name": "N", "currency": "E1R", "timezone": "UTC"},
            400,
            "&#x27;E1R&#x27; is not a three-letter currency code.",
            id="a currency that is not three letters",
        ),
        pytest.param(
            {"name": "N", "currency": "EUR", "timezone": "UTC", "storefront_domain": "not a domain"},
            400,
            "&#x27;not a domain&#x27; is not a domain name like shop.example.com.",
            id="a domain with spaces",
        ),
        pytest.param(
            {"name": "N", "currency": "EUR", "timezone": "Mars/Olympus"},
            400,
            "Select a valid choice. Mars/Olympus is not one of the available choices.",
            id="an unknown time zone",
        ),
        pytest.param(
            {"name": "   ", "currency": "EUR", "timezone": "UTC"}, 400, "This field is required.", id="a blank name"
        ),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(owner_client, store, data, status, message):
    response = owner_client.post(SETTINGS_URL, data)
    assert response.status_code == status
    assert message in response.content.decode()
    store.refresh_from_db()
    assert (store.name, store.currency, store.timezone, store.storefront_domain) == (
        "Northwind Outfitters",
        "USD",
        "America/New_York",
        "",
    )


def test_the_members_page_lists_members_by_role_then_by_email(owner_client, store, member_of):
    member_of(store, Role.ANALYST, email="zach@northwind.test")
    member_of(store, Role.ANALYST, email="aaron@northwind.test")
    member_of(store, Role.MARKETER, email="zoe@northwind.test")
    body = owner_client.get(MEMBERS_URL).content.decode()
    emails = ("owner@northwind.test", "zoe@northwind.test", "aaron@northwind.test", "zach@northwind.test")
    positions = [body.index(email) for email in emails]
    assert positions == sorted(positions)
    assert 'owner@northwind.test <span class="muted">(you)</span>' in body


def test_the_members_page_runs_a_fixed_number_of_queries(owner_client, store, member_of, django_assert_num_queries):
    # given a store with a few members
    for _ in range(3):
        member_of(store, Role.MARKETER)
    owner_client.get(MEMBERS_URL)
    # when the page is rendered with many more members
    for _ in range(10):
        member_of(store, Role.ANALYST)
    # then the query count is the same: session, user, membership, members, the switcher
    with django_assert_num_queries(5):
        response = owner_client.get(MEMBERS_URL)
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="member-') == 14


def test_an_owner_adds_an_existing_user_with_a_role(owner_client, store):
    # given someone with an account but no place in Northwind
    newcomer = UserFactory(email="Casey@Example.com")
    # when the owner adds them as an analyst, typing the email in other case
    response = owner_client.post(MEMBERS_URL, {"email": "casey@example.com", "role": Role.ANALYST})
    # then they are a member with that role
    assert response.status_code == 302
    assert Membership.objects.get(store=store, user=newcomer).role == Role.ANALYST
    assert "Casey@Example.com joined as analyst." in owner_client.get(MEMBERS_URL).content.decode()


def test_adding_through_htmx_answers_with_the_updated_panel(owner_client, store):
    UserFactory(email="casey@example.com")
    response = owner_client.post(
        MEMBERS_URL, {"email": "casey@example.com", "role": Role.MARKETER}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith('<section id="members-panel"')
    assert "casey@example.com" in body
    assert 'name="email" maxlength="320" required' in body or 'name="email" required' in body


@pytest.mark.parametrize(
    ("email", "status", "message"),
    [
        pytest.param(
            "nobody@example.com",
            400,
            "No one has a Growth Hub account with that email yet. Ask them to sign up, then add them here.",
            id="an email without an account",
        ),
        pytest.param(
            "owner@northwind.test",
            409,
            "owner@northwind.test is already a member of Northwind Outfitters.",
            id="someone already in the store",
        ),
        pytest.param("not-an-email", 400, "Enter a valid email address.", id="something that is not an email"),
    ],
)
def test_adding_a_member_that_cannot_be_added_changes_nothing(owner_client, store, email, status, message):
    response = owner_client.post(MEMBERS_URL, {"email": email, "role": Role.MARKETER})
    assert response.status_code == status
    assert message in response.content.decode()
    assert list(Membership.objects.filter(store=store).values_list("user__email", "role")) == [
        ("owner@northwind.test", Role.OWNER)
    ]


def test_an_owner_changes_a_role_and_removes_a_member(owner_client, store, member_of):
    # given a marketer and an analyst
    marketer = member_of(store, Role.MARKETER, email="mark@northwind.test")
    analyst = member_of(store, Role.ANALYST, email="ana@northwind.test")
    # when the owner makes the marketer an admin and removes the analyst
    changed = owner_client.post(f"{MEMBERS_URL}{marketer.pk}/role/", {"role": Role.ADMIN})
    removed = owner_client.post(f"{MEMBERS_URL}{analyst.pk}/remove/")
    # then the store has an owner and an admin
    assert (changed.status_code, removed.status_code) == (302, 302)
    assert sorted(Membership.objects.filter(store=store).values_list("user__email", "role")) == [
        ("mark@northwind.test", Role.ADMIN),
        ("owner@northwind.test", Role.OWNER),
    ]
    page = owner_client.get(MEMBERS_URL).content.decode()
    assert "mark@northwind.test is now admin." in page
    assert "ana@northwind.test was removed." in page


def test_role_changes_and_removals_through_htmx_answer_with_the_panel(owner_client, store, member_of):
    marketer = member_of(store, Role.MARKETER, email="mark@northwind.test")
    changed = owner_client.post(
        f"{MEMBERS_URL}{marketer.pk}/role/", {"role": Role.ANALYST}, headers={"HX-Request": "true"}
    )
    removed = owner_client.post(f"{MEMBERS_URL}{marketer.pk}/remove/", headers={"HX-Request": "true"})
    assert changed.status_code == 200
    assert '<option value="analyst" selected>' in changed.content.decode()
    assert removed.status_code == 200
    assert "mark@northwind.test" not in removed.content.decode().split('<div id="messages"')[0]
    assert not Membership.objects.filter(pk=marketer.pk).exists()


def test_an_invalid_role_in_the_role_form_is_refused(owner_client, store, member_of):
    marketer = member_of(store, Role.MARKETER)
    response = owner_client.post(f"{MEMBERS_URL}{marketer.pk}/role/", {"role": "emperor"})
    assert response.status_code == 400
    assert "Choose owner, admin, marketer or analyst." in response.content.decode()
    marketer.refresh_from_db()
    assert marketer.role == Role.MARKETER


@pytest.mark.parametrize("htmx", [False, True], ids=["from the page", "through htmx"])
def test_an_admin_may_leave_the_store(store, member_of, client, htmx):
    # given an admin of Northwind
    admin = member_of(store, Role.ADMIN, email="adam@northwind.test")
    client.force_login(admin.user)
    # when they remove themselves
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(f"{MEMBERS_URL}{admin.pk}/remove/", headers=headers)
    # then they are out, sent to the hub (which now asks them to create a store)
    assert not Membership.objects.filter(pk=admin.pk).exists()
    if htmx:
        assert (response.status_code, response["HX-Redirect"]) == (204, "/hub/")
    else:
        assert (response.status_code, response["Location"]) == (302, "/hub/")
    assert client.get("/hub/")["Location"] == "/stores/new/"


def test_a_removed_member_loses_the_store_at_once(store, client):
    # given a marketer working on Northwind
    marketer = MembershipFactory(store=store, role=Role.MARKETER)
    client.force_login(marketer.user)
    assert client.get(SETTINGS_URL).status_code == 200
    # when they are removed
    marketer.delete()
    # then Northwind is gone for them
    assert client.get(SETTINGS_URL).status_code == 404
