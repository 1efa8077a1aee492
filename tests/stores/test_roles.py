"""Roles: analysts change nothing, marketers do not manage members or keys, only owners touch the owner role,
and a store always keeps an owner."""

import pytest

from stores.actors import Actor
from stores.exceptions import ApplicationError, Conflict, PermissionDenied
from stores.models import Membership, Role, StoreApiKey
from stores.services import api_key_create, membership_add, membership_change_role, membership_remove, store_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _writes(store, member, key):
    """Every write a store page offers, as (url, data)."""
    return [
        (f"/stores/{store.slug}/settings/", {"name": "Renamed", "currency": "EUR", "timezone": "UTC"}),
        (f"/stores/{store.slug}/members/", {"email": "new@example.com", "role": Role.MARKETER}),
        (f"/stores/{store.slug}/members/{member.pk}/role/", {"role": Role.ADMIN}),
        (f"/stores/{store.slug}/members/{member.pk}/remove/", {}),
        (f"/stores/{store.slug}/api-keys/", {"name": "Warehouse", "role": Role.MARKETER}),
        (f"/stores/{store.slug}/api-keys/{key.pk}/revoke/", {}),
    ]


WRITE_IDS = ["save settings", "add a member", "change a role", "remove a member", "create a key", "revoke a key"]


def _snapshot(store):
    store.refresh_from_db()
    return (
        store.name,
        sorted(Membership.objects.filter(store=store).values_list("user__email", "role")),
        sorted(StoreApiKey.objects.filter(store=store).values_list("name", "revoked_at")),
    )


@pytest.mark.parametrize("index", range(6), ids=WRITE_IDS)
@pytest.mark.parametrize(
    ("role", "message"),
    [
        pytest.param(Role.ANALYST, "Analysts can read everything but change nothing.", id="an analyst"),
        pytest.param(Role.MARKETER, "Only the store&#x27;s owners and admins can do this.", id="a marketer"),
    ],
)
def test_members_who_may_not_manage_get_403_with_a_clear_message(
    store, owner, client_as, member_of, role, message, index
):
    # given a store with a marketer and an API key, and a signed-in member with a limited role
    UserFactory(email="new@example.com")
    member = member_of(store, Role.MARKETER, email="mark@northwind.test")
    key, _raw = api_key_create(store=store, name="ERP", created_by=owner)
    client = client_as(store, role)
    before = _snapshot(store)
    url, data = _writes(store, member, key)[index]
    # when they try the write
    response = client.post(url, data)
    # then it is refused with a clear message, and nothing changed
    assert response.status_code == 403
    assert message in response.content.decode()
    assert _snapshot(store) == before


def test_a_refusal_asked_by_htmx_lands_in_the_messages_area(store, client_as):
    client = client_as(store, Role.ANALYST)
    data = {"name": "x", "currency": "EUR", "timezone": "UTC"}
    response = client.post(f"/stores/{store.slug}/settings/", data, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response["HX-Retarget"] == "#messages"
    assert response.content.decode().strip() == (
        '<div class="message error" role="alert">Analysts can read everything but change nothing.</div>'
    )


@pytest.mark.parametrize("role", [Role.ANALYST, Role.MARKETER], ids=["an analyst", "a marketer"])
def test_members_who_may_not_manage_read_the_store_pages_without_controls(store, client_as, role):
    client = client_as(store, role)
    settings_page = client.get(f"/stores/{store.slug}/settings/").content.decode()
    members_page = client.get(f"/stores/{store.slug}/members/").content.decode()
    keys_page = client.get(f"/stores/{store.slug}/api-keys/").content.decode()
    assert "owners and admins change them" in settings_page
    assert 'name="name" value="Northwind Outfitters" maxlength="120" required disabled' in settings_page
    assert "Save settings" not in settings_page
    assert "Add a member" not in members_page
    assert "Change role" not in members_page
    assert "Create a key" not in keys_page


def test_an_analyst_still_reads_the_hub(store, client_as):
    response = client_as(store, Role.ANALYST).get("/hub/")
    assert response.status_code == 200


def test_an_admin_manages_members_and_keys_but_not_owners(store, owner, client_as, member_of):
    # given an admin and a marketer
    admin_client = client_as(store, Role.ADMIN)
    marketer = member_of(store, Role.MARKETER)
    owner_membership = Membership.objects.get(store=store, user=owner)
    # when the admin promotes the marketer, but also tries to demote the owner and to make an owner
    promoted = admin_client.post(f"/stores/{store.slug}/members/{marketer.pk}/role/", {"role": Role.ADMIN})
    owner_url = f"/stores/{store.slug}/members/{owner_membership.pk}"
    demote_owner = admin_client.post(f"{owner_url}/role/", {"role": Role.ANALYST})
    make_owner = admin_client.post(f"/stores/{store.slug}/members/{marketer.pk}/role/", {"role": Role.OWNER})
    remove_owner = admin_client.post(f"{owner_url}/remove/")
    # then only the promotion happened
    marketer.refresh_from_db()
    owner_membership.refresh_from_db()
    assert promoted.status_code == 302
    assert (demote_owner.status_code, make_owner.status_code, remove_owner.status_code) == (403, 403, 403)
    assert "Only an owner can make someone an owner" in demote_owner.content.decode()
    assert (marketer.role, owner_membership.role) == (Role.ADMIN, Role.OWNER)


def test_an_admin_sees_owner_rows_without_controls(store, owner, client_as):
    body = client_as(store, Role.ADMIN).get(f"/stores/{store.slug}/members/").content.decode()
    assert "Only an owner changes an owner." in body
    assert '<option value="owner"' not in body


@pytest.mark.parametrize(
    "action",
    [
        pytest.param(lambda m: membership_remove(membership=m, actor=Actor.member(m)), id="removing the last owner"),
        pytest.param(
            lambda m: membership_change_role(membership=m, actor=Actor.member(m), role=Role.ADMIN),
            id="demoting the last owner",
        ),
    ],
)
def test_the_last_owner_can_be_neither_removed_nor_demoted(owner_membership, action):
    # given a store whose only owner tries to step down
    # when they try
    with pytest.raises(Conflict) as exc:
        action(owner_membership)
    # then the store keeps its owner
    assert exc.value.message == "A store needs at least one owner. Make someone else an owner first."
    assert exc.value.code == "last_owner"
    owner_membership.refresh_from_db()
    assert owner_membership.role == Role.OWNER


def test_the_last_owner_refusal_is_a_409_on_the_page(owner_client, owner_membership, store):
    response = owner_client.post(f"/stores/{store.slug}/members/{owner_membership.pk}/remove/")
    assert response.status_code == 409
    assert "A store needs at least one owner. Make someone else an owner first." in response.content.decode()
    assert Membership.objects.filter(pk=owner_membership.pk).exists()


def test_with_a_second_owner_an_owner_may_step_down(owner_membership, member_of, store):
    # given a second owner
    second = member_of(store, Role.OWNER)
    # when the first owner makes themselves an admin
    membership_change_role(membership=owner_membership, actor=Actor.member(owner_membership), role=Role.ADMIN)
    # then the store is still owned, by the second owner
    assert list(Membership.objects.filter(store=store, role=Role.OWNER)) == [second]


def test_an_owner_may_make_another_member_an_owner(owner_membership, member_of, store):
    admin = member_of(store, Role.ADMIN)
    membership_change_role(membership=admin, actor=Actor.member(owner_membership), role=Role.OWNER)
    admin.refresh_from_db()
    assert admin.role == Role.OWNER


def test_setting_the_same_role_again_changes_nothing(owner_membership, member_of):
    marketer = member_of(owner_membership.store, Role.MARKETER)
    assert (
        membership_change_role(membership=marketer, actor=Actor.member(owner_membership), role=Role.MARKETER).role
        == Role.MARKETER
    )


def test_an_unknown_role_is_refused(owner_membership, member_of):
    marketer = member_of(owner_membership.store, Role.MARKETER)
    with pytest.raises(ApplicationError) as exc:
        membership_change_role(membership=marketer, actor=Actor.member(owner_membership), role="superuser")
    assert exc.value.message == "'superuser' is not a role. Choose owner, admin, marketer or analyst."
    marketer.refresh_from_db()
    assert marketer.role == Role.MARKETER


def test_an_admin_cannot_add_an_owner(store, member_of):
    admin = member_of(store, Role.ADMIN)
    UserFactory(email="new@example.com")
    with pytest.raises(PermissionDenied):
        membership_add(store=store, actor=Actor.member(admin), email="new@example.com", role=Role.OWNER)
    assert not Membership.objects.filter(store=store, user__email="new@example.com").exists()


@pytest.mark.parametrize("role", [Role.MARKETER, Role.ANALYST], ids=["a marketer", "an analyst"])
def test_services_refuse_members_who_may_not_manage_whoever_calls_them(store, member_of, role):
    member = member_of(store, role)
    with pytest.raises(PermissionDenied):
        store_update(
            store=store, actor=Actor.member(member), name="Renamed", currency="USD", timezone_name="UTC", domain=""
        )
    with pytest.raises(PermissionDenied):
        api_key_create(store=store, name="ERP", created_by=member.user, actor=Actor.member(member))
    store.refresh_from_db()
    assert store.name == "Northwind Outfitters"
    assert StoreApiKey.objects.count() == 0
