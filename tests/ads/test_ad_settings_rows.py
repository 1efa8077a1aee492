"""Every store has its ad settings row from its creation on: store creation makes it (the store_created hook ads
registers), a migration gave the stores made before theirs, and the reads only read."""

import importlib

import pytest
from django.apps import apps
from django.db import transaction

from ads.models import StoreAdSettings
from ads.selectors import ad_settings_get, ads_hub_tab
from ads.services import ad_settings_create
from stores.hooks import store_created
from stores.services import store_create_with_owner
from tests.factories import StoreFactory, UserFactory

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("ads.migrations.0007_ad_settings_for_every_store")


def test_ads_creates_its_settings_on_the_store_created_hook():
    assert ad_settings_create in store_created.handlers


def test_a_new_store_has_its_ad_settings_with_the_defaults():
    # when a merchant creates a store
    store = store_create_with_owner(owner=UserFactory(), name="Fabrikam Fibres", currency="EUR")
    # then its ad settings exist, with the default guardrails and no page or pixel
    row = StoreAdSettings.objects.get(store=store)
    assert (row.daily_spend_cap_minor, row.max_campaign_daily_budget_minor) == (50_000, 20_000)
    assert (row.meta_page_id, row.meta_pixel_id, row.tiktok_pixel_id) == ("", "", "")


def test_a_store_whose_creation_fails_after_the_hook_leaves_no_ad_settings():
    # given a handler after ads' that refuses the new store
    def refuse(*, store):  # noqa: ANN202
        raise RuntimeError("refused")

    store_created.register(refuse)
    try:
        # when a store is created, then its creation fails
        with pytest.raises(RuntimeError, match="refused"):
            store_create_with_owner(owner=UserFactory(), name="Fabrikam Fibres")
    finally:
        store_created.unregister(refuse)
    # and the ad settings written in the same transaction are gone with the store
    assert not StoreAdSettings.objects.filter(store__name="Fabrikam Fibres").exists()
    assert not StoreAdSettings.objects.exists()


def test_creating_the_settings_again_changes_nothing():
    # given a store whose guardrails were changed
    store = StoreFactory()
    StoreAdSettings.objects.filter(store=store).update(daily_spend_cap_minor=1234, meta_page_id="104")
    # when its settings are created again
    with transaction.atomic():
        row = ad_settings_create(store=store)
    # then the one row keeps what was set
    assert StoreAdSettings.objects.filter(store=store).count() == 1
    assert (row.daily_spend_cap_minor, row.meta_page_id) == (1234, "104")


def test_the_migration_gives_the_stores_made_before_their_settings_and_keeps_the_others():
    # given a store made before (no settings row) and one with its own guardrails
    older, configured = StoreFactory(), StoreFactory()
    StoreAdSettings.objects.filter(store=older).delete()
    StoreAdSettings.objects.filter(store=configured).update(daily_spend_cap_minor=777)
    # when the data migration runs
    MIGRATION.create_missing(apps, None)
    # then the older store has the defaults and the configured one is as it was
    rows = dict(StoreAdSettings.objects.values_list("store_id", "daily_spend_cap_minor"))
    assert rows == {older.pk: 50_000, configured.pk: 777}
    # and running it again adds nothing
    MIGRATION.create_missing(apps, None)
    assert StoreAdSettings.objects.count() == 2


def test_the_reads_never_create_settings():
    # given a store whose row is missing (as no store can be after the migration)
    store = StoreFactory()
    StoreAdSettings.objects.filter(store=store).delete()
    # when the ads tab and the settings page read them, then they fail loudly and write nothing
    with pytest.raises(StoreAdSettings.DoesNotExist):
        ad_settings_get(store=store)
    with pytest.raises(StoreAdSettings.DoesNotExist):
        ads_hub_tab(store=store)
    assert not StoreAdSettings.objects.filter(store=store).exists()


def test_the_ads_tab_reads_the_stores_row():
    # given a store with its guardrails set
    store = StoreFactory()
    StoreAdSettings.objects.filter(store=store).update(daily_spend_cap_minor=9000)
    # when the ads tab is read, then it shows that row
    assert ads_hub_tab(store=store)["ad_settings"].daily_spend_cap_minor == 9000
