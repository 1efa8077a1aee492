"""Django admin for the ads agent: every model listed with its columns and filters in a fixed number of queries,
the logs read-only, and no connection token on any page."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ads.models import (
    ActionKind,
    ActionResult,
    AdCampaign,
    AdCreative,
    AdInsight,
    AdRule,
    AdRuleRun,
    CampaignAction,
    StoreAdSettings,
)
from platforms.constants import META_ADS
from stores.actors import ActorKind
from tests.factories import ProductFactory, StoreFactory, UserFactory
from tests.platform_fixtures import connect_store

pytestmark = pytest.mark.django_db

# Changelist pages with their query count, whatever the number of rows: session, user, the store switcher's
# memberships, counts, the rows with their related rows, the date hierarchy and the filters' choices.
CHANGELISTS = [
    pytest.param("storeadsettings", 6, id="ad settings"),
    pytest.param("adcreative", 9, id="creatives"),
    pytest.param("adcampaign", 9, id="campaigns"),
    pytest.param("adinsight", 9, id="daily insights"),
    pytest.param("campaignaction", 9, id="the action log"),
    pytest.param("adrule", 7, id="rules"),
    pytest.param("adrulerun", 9, id="rule runs"),
]


@pytest.fixture
def staff_client(db) -> Client:
    client = Client()
    client.force_login(UserFactory(email="staff@growthhub.test", is_staff=True, is_superuser=True))
    return client


def _fill(n: int) -> AdCampaign:
    store = StoreFactory()
    StoreAdSettings.objects.filter(store=store).update(meta_page_id="104000000000001")
    connection = connect_store(store, META_ADS, ad_account_id=f"act_{store.pk}00001")
    user = UserFactory()
    rule = AdRule.objects.create(
        store=store, name="Pause losers", metric="roas", operator="lt", threshold=1, action="pause"
    )
    campaign = None
    for i in range(n):
        product = ProductFactory(store=store)
        creative = AdCreative.objects.create(
            store=store, name=f"Creative {i}", product=product, link_url=product.url or "https://shop.example.com/"
        )
        campaign = AdCampaign.objects.create(
            store=store,
            platform=META_ADS,
            connection=connection,
            name=f"Campaign {i}",
            daily_budget_minor=5000,
            currency="USD",
            product=product,
            creative=creative,
            external_campaign_id=f"12020000000{store.pk}{i}",
            status="paused",
            created_by=user,
        )
        AdInsight.objects.create(
            store=store, campaign=campaign, date=dt.date(2026, 11, 1 + i), spend_minor=100, synced_at=timezone.now()
        )
        CampaignAction.objects.create(
            store=store,
            campaign=campaign,
            kind=ActionKind.PAUSE,
            actor_kind=ActorKind.RULE,
            actor_user=user,
            rule=rule,
            reason="ROAS 0.4 < 1",
            result=ActionResult.APPLIED,
        )
        AdRuleRun.objects.create(store=store, rule=rule, ran_at=timezone.now(), evaluated=3, matched=1)
    return campaign


@pytest.mark.parametrize(("model", "queries"), CHANGELISTS)
def test_changelists_run_a_fixed_number_of_queries(staff_client, django_assert_num_queries, model, queries):
    # given a few rows in two stores
    _fill(2)
    _fill(1)
    url = f"/admin/ads/{model}/"
    with django_assert_num_queries(queries):
        assert staff_client.get(url).status_code == 200
    # when there are many more rows, the count stays the same
    _fill(6)
    with django_assert_num_queries(queries):
        assert staff_client.get(url).status_code == 200
    # and search and filters work
    assert staff_client.get(url, {"q": "Campaign 1"}).status_code == 200
    assert staff_client.get(url, {"store__id__exact": "1"}).status_code == 200


def test_no_page_shows_a_connection_token(staff_client):
    campaign = _fill(1)
    token = campaign.connection.access_token
    pages = [
        f"/admin/ads/adcampaign/{campaign.pk}/change/",
        "/admin/ads/adcampaign/",
        f"/admin/ads/adinsight/{campaign.insights.get().pk}/change/",
        f"/admin/ads/campaignaction/{campaign.actions.get().pk}/change/",
        f"/admin/ads/adrule/{campaign.actions.get().rule_id}/change/",
    ]
    for url in pages:
        body = staff_client.get(url).content.decode()
        assert token not in body
        assert campaign.connection.access_token_encrypted not in body
        assert campaign.connection.refresh_token not in body


def test_the_action_log_cannot_be_added_to_or_edited(staff_client):
    campaign = _fill(1)
    action = campaign.actions.get()
    assert staff_client.get("/admin/ads/campaignaction/add/").status_code == 403
    response = staff_client.post(f"/admin/ads/campaignaction/{action.pk}/change/", {"reason": "rewritten"})
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.reason == "ROAS 0.4 < 1"
    assert staff_client.get("/admin/ads/adrulerun/add/").status_code == 403


def _campaign(status: str, *, external_id: str = "120200000001") -> AdCampaign:
    store = StoreFactory()
    connection = connect_store(store, META_ADS, ad_account_id=f"act_{store.pk}00001")
    return AdCampaign.objects.create(
        store=store,
        platform=META_ADS,
        connection=connection,
        name="Sock drop",
        daily_budget_minor=5000,
        currency="USD",
        status=status,
        external_campaign_id=external_id,
        platform_status={"active": "active", "paused": "paused"}.get(status, ""),
        platform_daily_budget_minor=5000,
    )


def _run_action(staff_client, action: str, *campaigns: AdCampaign):
    return staff_client.post(
        "/admin/ads/adcampaign/",
        {"action": action, "_selected_action": [c.pk for c in campaigns]},
        follow=True,
    )


def test_a_campaigns_status_is_read_only_in_the_admin(staff_client):
    # given a paused campaign
    campaign = _campaign("paused")
    # when its change page is shown
    page = staff_client.get(f"/admin/ads/adcampaign/{campaign.pk}/change/").content.decode()
    # then the status is shown, not offered as a field
    assert 'name="status"' not in page
    assert 'name="status_before_hold"' not in page
    assert 'name="platform_status"' not in page


@pytest.mark.parametrize(
    ("start", "action", "end", "kind"),
    [
        pytest.param("active", "pause_campaigns", "paused", ActionKind.PAUSE, id="pause"),
        pytest.param("paused", "activate_campaigns", "active", ActionKind.RESUME, id="activate"),
        pytest.param("paused", "archive_campaigns", "archived", ActionKind.ARCHIVE, id="archive"),
    ],
)
def test_staff_change_a_campaign_through_the_admin_actions(staff_client, start, action, end, kind):
    # given a campaign at the platform
    campaign = _campaign(start)
    # when staff run the action on it
    response = _run_action(staff_client, action, campaign)
    # then it changed through the service: the new status, one pending action by the staff member labelled admin
    assert response.status_code == 200
    campaign.refresh_from_db()
    assert campaign.status == end
    logged = campaign.actions.get()
    staff = response.wsgi_request.user
    assert (logged.kind, logged.result, logged.actor_kind, logged.actor_user, logged.actor_label) == (
        kind,
        ActionResult.PENDING,
        "user",
        staff,
        "admin",
    )
    assert (logged.before, logged.after) == ({"status": start}, {"status": end})
    assert logged.reason == "Changed by Growth Hub staff in the admin."
    assert campaign.next_push_at is not None
    assert "1 campaign " in response.content.decode()


def test_an_admin_action_a_campaign_cannot_take_is_reported_and_changes_nothing(staff_client):
    # given a draft (not created at the platform yet) and an active campaign
    draft = _campaign("draft", external_id="")
    active = _campaign("active", external_id="120200000002")
    # when staff archive both
    response = _run_action(staff_client, "archive_campaigns", draft, active)
    # then the draft is left as it was with no action logged, and the active one is archived
    body = response.content.decode()
    assert f"Not changed: campaign {draft.pk}: “Sock drop” is draft and cannot be archived." in body
    assert "1 campaign archived." in body
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not draft.actions.exists()
    assert AdCampaign.objects.get(pk=active.pk).status == "archived"


def test_activating_over_the_spend_cap_in_the_admin_is_refused(staff_client):
    # given a paused campaign whose budget is over its store's daily cap
    campaign = _campaign("paused")
    StoreAdSettings.objects.filter(store=campaign.store).update(daily_spend_cap_minor=4000)
    # when staff activate it
    response = _run_action(staff_client, "activate_campaigns", campaign)
    # then the guardrail refuses it, as it would a merchant, and nothing is written
    assert "over the store&#x27;s daily spend cap" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == "paused"
    assert not campaign.actions.exists()
