"""Tenancy services refuse bad input with a clear message and change nothing."""

import pytest

from stores.actors import Actor
from stores.exceptions import ApplicationError
from stores.models import Role, Store, StoreApiKey
from stores.services import api_key_create, store_create_with_owner, store_update

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        pytest.param({"name": "  "}, "store_name_required", "A store needs a name.", id="a blank name"),
        pytest.param(
            {"name": "x" * 121}, "store_name_too_long", "A store name has at most 120 characters.", id="a long name"
        ),
        pytest.param(
            {"timezone_name": "Mars/Olympus"},
            "invalid_timezone",
            "'Mars/Olympus' is not a known time zone.",
            id="an unknown time zone",
        ),
        pytest.param(
            {"currency": "ÄÖÜ"},
            "invalid_currency",
            "'ÄÖÜ' is not a three-letter currency code.",
            id="a non-ISO currency",
        ),
        pytest.param(
            {"domain": "-shop.example.com"},
            "invalid_domain",
            "'-shop.example.com' is not a domain name like shop.example.com.",
            id="a domain starting with a hyphen",
        ),
    ],
)
def test_store_update_refuses_bad_values(owner_membership, store, changes, code, message):
    values = {"name": "Northwind", "currency": "USD", "timezone_name": "UTC", "domain": "", **changes}
    with pytest.raises(ApplicationError) as exc:
        store_update(store=store, actor=Actor.member(owner_membership), **values)
    assert (exc.value.code, exc.value.message) == (code, message)
    store.refresh_from_db()
    assert (store.name, store.timezone) == ("Northwind Outfitters", "America/New_York")


def test_store_update_refuses_an_unknown_locale_and_keeps_the_store(owner_membership, store):
    # given a store in en_US / when an owner saves a locale Babel does not know
    values = {"name": "Renamed", "currency": "EUR", "timezone_name": "UTC", "domain": "", "locale": "xx_YY"}
    with pytest.raises(ApplicationError) as exc:
        store_update(store=store, actor=Actor.member(owner_membership), **values)
    # then it is refused by name, and nothing of the change is saved
    assert (exc.value.code, exc.value.message) == (
        "invalid_locale",
        "'xx_YY' is not a known locale (a name like en_US, de_DE or ja_JP).",
    )
    store.refresh_from_db()
    assert (store.name, store.currency, store.locale) == ("Northwind Outfitters", "USD", "en_US")


def test_store_update_saves_a_known_locale_and_keeps_it_when_none_is_given(owner_membership, store):
    # given a store in en_US / when an owner saves de_DE
    values = {"name": "Northwind", "currency": "EUR", "timezone_name": "UTC", "domain": ""}
    store_update(store=store, actor=Actor.member(owner_membership), locale="de_DE", **values)
    # then it is kept; a later save without a locale leaves it as it is
    store_update(store=store, actor=Actor.member(owner_membership), **values)
    store.refresh_from_db()
    assert store.locale == "de_DE"


def test_store_create_with_owner_takes_a_locale(owner):
    # given an owner / when a store is created in ja_JP / then it has that locale; an unknown one creates nothing
    assert store_create_with_owner(owner=owner, name="Tokyo", currency="JPY", locale="ja_JP").locale == "ja_JP"
    with pytest.raises(ApplicationError) as exc:
        store_create_with_owner(owner=owner, name="Nowhere", locale="xx")
    assert exc.value.code == "invalid_locale"
    assert not Store.objects.filter(name="Nowhere").exists()


def test_store_create_refuses_a_blank_name_and_creates_nothing(owner):
    with pytest.raises(ApplicationError) as exc:
        store_create_with_owner(owner=owner, name=" ")
    assert exc.value.code == "store_name_required"
    assert Store.objects.count() == 1


def test_a_store_named_only_with_symbols_still_gets_a_slug(owner):
    assert store_create_with_owner(owner=owner, name="★★★").slug == "store"


def test_an_api_key_name_longer_than_80_characters_is_refused(store, owner):
    with pytest.raises(ApplicationError) as exc:
        api_key_create(store=store, name="k" * 81, created_by=owner, role=Role.ANALYST)
    assert exc.value.message == "A key name has at most 80 characters."
    assert StoreApiKey.objects.count() == 0
