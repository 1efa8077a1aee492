"""Store API keys: created by owners and admins, shown once, stored as a hash, used as Bearer tokens, revoked."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from stores.exceptions import ApplicationError
from stores.models import Role, StoreApiKey
from stores.services import api_key_authenticate, api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db

KEYS_URL = "/stores/northwind/api-keys/"


def test_creating_a_key_shows_the_raw_key_once_and_stores_only_its_hash(owner_client, owner, store):
    # given the owner of Northwind
    # when they create a key for the warehouse
    response = owner_client.post(KEYS_URL, {"name": "Warehouse sync", "role": Role.ANALYST})
    # then the page shows the raw key, which the database does not hold
    key = StoreApiKey.objects.get(store=store)
    body = response.content.decode()
    raw = body.split('<code class="secret">')[1].split("</code>")[0]
    assert response.status_code == 201
    assert raw.startswith(f"gh_{key.prefix}_")
    assert len(raw) == len("gh_") + 8 + 1 + 43
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {key.key_hash, key.prefix, key.name}
    assert (key.name, key.role, key.created_by, key.revoked_at) == ("Warehouse sync", Role.ANALYST, owner, None)
    assert "no-store" in response["Cache-Control"]
    # and the next visit shows the prefix only
    again = owner_client.get(KEYS_URL).content.decode()
    assert raw not in again
    assert f"<code>gh_{key.prefix}_…</code>" in again


def test_creating_a_key_through_htmx_answers_with_the_panel(owner_client, store):
    response = owner_client.post(KEYS_URL, {"name": "ERP", "role": Role.MARKETER}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 201
    assert body.strip().startswith('<section id="api-keys-panel"')
    assert '<div class="card" id="new-api-key" role="status">' in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"name": "", "role": Role.MARKETER}, "This field is required.", id="a key without a name"),
        pytest.param(
            {"name": "ERP", "role": Role.OWNER},
            "Select a valid choice. owner is not one of the available choices.",
            id="an owner key",
        ),
    ],
)
def test_a_key_that_cannot_be_made_is_refused(owner_client, store, data, message):
    response = owner_client.post(KEYS_URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert StoreApiKey.objects.count() == 0


def test_the_service_refuses_a_blank_name_and_an_owner_role(store, owner):
    with pytest.raises(ApplicationError) as blank:
        api_key_create(store=store, name="   ", created_by=owner)
    with pytest.raises(ApplicationError) as owner_role:
        api_key_create(store=store, name="ERP", created_by=owner, role=Role.OWNER)
    assert blank.value.message == "Give the key a name so you can recognise it later."
    assert owner_role.value.message == "An API key may be admin, marketer or analyst."
    assert StoreApiKey.objects.count() == 0


def test_the_key_list_shows_prefix_role_creator_and_last_use_in_a_fixed_number_of_queries(
    owner_client, owner, store, django_assert_num_queries
):
    # given keys, one used an hour ago and one revoked
    used, _ = api_key_create(store=store, name="Used", created_by=owner)
    StoreApiKey.objects.filter(pk=used.pk).update(last_used_at=timezone.now() - dt.timedelta(hours=1))
    revoked, _ = api_key_create(store=store, name="Old", created_by=owner, role=Role.ANALYST)
    api_key_revoke(key=revoked)
    owner_client.get(KEYS_URL)
    for n in range(5):
        api_key_create(store=store, name=f"Extra {n}", created_by=owner)
    # when the list renders
    with django_assert_num_queries(5):
        response = owner_client.get(KEYS_URL)
    # then each key shows what identifies it, never more
    body = response.content.decode()
    assert body.count('<tr id="api-key-') == 7
    used_row = body.split(f'<tr id="api-key-{used.pk}">')[1].split("</tr>")[0]
    assert f"<code>gh_{used.prefix}_…</code>" in used_row
    assert "<td>Marketer</td>" in used_row
    assert "by owner@northwind.test" in used_row
    assert "1\xa0hour ago" in used_row
    revoked_row = body.split(f'<tr id="api-key-{revoked.pk}">')[1].split("</tr>")[0]
    assert '<span class="badge revoked">revoked' in revoked_row
    assert "Revoke" not in revoked_row
    assert used.key_hash not in body


def test_revoking_a_key_stops_it_at_once(owner_client, owner, store):
    # given a working key
    key, raw = api_key_create(store=store, name="ERP", created_by=owner)
    assert api_key_authenticate(raw_key=raw) == key
    # when the owner revokes it
    response = owner_client.post(f"{KEYS_URL}{key.pk}/revoke/")
    # then it no longer authenticates
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert api_key_authenticate(raw_key=raw) is None
    assert "The key “ERP” is revoked" in owner_client.get(KEYS_URL).content.decode()


def test_revoking_through_htmx_answers_with_the_panel_and_twice_keeps_the_first_time(owner_client, owner, store):
    key, _raw = api_key_create(store=store, name="ERP", created_by=owner)
    first = owner_client.post(f"{KEYS_URL}{key.pk}/revoke/", headers={"HX-Request": "true"})
    key.refresh_from_db()
    revoked_at = key.revoked_at
    owner_client.post(f"{KEYS_URL}{key.pk}/revoke/")
    key.refresh_from_db()
    assert first.status_code == 200
    assert '<span class="badge revoked">' in first.content.decode()
    assert key.revoked_at == revoked_at


@pytest.mark.parametrize(
    "raw_key",
    ["", "Bearer", "gh_", "gh_deadbeef_not-a-real-key", "sk_live_something_else"],
    ids=["empty", "the scheme alone", "the prefix alone", "a made-up key", "another product's key"],
)
def test_keys_that_do_not_exist_do_not_authenticate(raw_key, store):
    assert api_key_authenticate(raw_key=raw_key) is None


def test_last_use_is_recorded_at_most_once_a_minute(store, owner):
    # given a key used a moment ago
    key, raw = api_key_create(store=store, name="ERP", created_by=owner)
    api_key_authenticate(raw_key=raw)
    key.refresh_from_db()
    first_use = key.last_used_at
    # when it is used again within the minute, then later
    api_key_authenticate(raw_key=raw)
    key.refresh_from_db()
    same = key.last_used_at
    StoreApiKey.objects.filter(pk=key.pk).update(last_used_at=first_use - dt.timedelta(minutes=2))
    api_key_authenticate(raw_key=raw)
    key.refresh_from_db()
    # then the first repeat wrote nothing and the later one did
    assert same == first_use
    assert key.last_used_at > first_use


def test_an_api_key_authenticates_the_api_for_its_own_store_only(client, owner, store, other_store):
    # given a key of Northwind and one of Contoso
    _key_a, raw_a = api_key_create(store=store, name="A", created_by=owner)
    _key_b, raw_b = api_key_create(store=other_store, name="B", created_by=None)
    # when each asks the API which store it acts for
    a = client.get("/api/store", headers={"Authorization": f"Bearer {raw_a}"})
    b = client.get("/api/store", headers={"Authorization": f"Bearer {raw_b}"})
    # then each sees its own store only
    assert (a.status_code, a.json()["slug"]) == (200, "northwind")
    assert (b.status_code, b.json()["slug"]) == (200, "contoso")
