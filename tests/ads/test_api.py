"""The ads API: create from the example body, list with a fixed query count, change status and budget."""

import pytest

from ads.models import AdCampaign, CampaignStatus
from platforms.constants import META_ADS
from stores.models import Role
from stores.services import api_key_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_key(store):
    return api_key_create(store=store, name="Ops", created_by=None, role=Role.MARKETER)[1]


def call(client, method, path, key, body=None):
    return getattr(client, method)(
        f"/api/ads{path}", data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def make_campaigns(store, connection, creative, n):
    return AdCampaign.objects.bulk_create(
        AdCampaign(
            store=store,
            platform=META_ADS,
            connection=connection,
            name=f"C{i}",
            status=CampaignStatus.PAUSED,
            daily_budget_minor=5000,
            currency="USD",
            creative=creative,
        )
        for i in range(n)
    )


def test_the_example_body_creates_a_paused_campaign(client, store, api_key, connections, ad_settings, creative):
    body = {"name": "Merino socks – spring", "platform": "meta_ads", "objective": "sales", "daily_budget": 5000}
    response = call(client, "post", "/campaigns", api_key, body | {"creative_ids": [creative.pk]})
    assert response.status_code == 201
    data = response.json()
    assert (data["name"], data["status"], data["daily_budget"], data["currency"]) == (
        "Merino socks – spring",
        "draft",
        5000,
        "USD",
    )
    campaign = AdCampaign.objects.get()
    assert campaign.actions.get().actor_kind == "api"


def test_the_audit_log_names_the_key_or_the_member_that_changed_a_campaign(
    client, owner_client, owner, store, connections, ad_settings, creative
):
    # given a key made by the owner, and a paused campaign
    _, raw = api_key_create(store=store, name="Ops", created_by=owner, role=Role.MARKETER)
    campaign = make_campaigns(store, connections[META_ADS], creative, 1)[0]

    # when the key raises its budget, and the owner (signed in to the dashboard) raises it again through the API
    assert call(client, "patch", f"/campaigns/{campaign.pk}", raw, {"daily_budget": 5500}).status_code == 200
    by_member = owner_client.patch(
        f"/api/ads/campaigns/{campaign.pk}", data={"daily_budget": 6000}, content_type="application/json"
    )
    assert by_member.status_code == 200

    # then the log names the key for the key's change (not the person who once made it), and the owner for theirs
    actions = campaign.actions.order_by("pk")
    assert [(a.actor_kind, a.actor_user, a.actor_label) for a in actions] == [
        ("api", None, "API key Ops"),
        ("api", owner, "API"),
    ]
    assert [a.actor_display for a in actions] == ["API key Ops", "API"]


def test_refusals_answer_400_with_the_reason_and_create_nothing(
    client, store, api_key, connections, ad_settings, creative
):
    body = {"name": "Too big", "platform": "meta_ads", "daily_budget": 20_001, "creative_ids": [creative.pk]}
    response = call(client, "post", "/campaigns", api_key, body)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "A daily budget of USD 200.01 is over this store's per-campaign maximum of USD 200.00.",
        "code": "campaign_budget_over_maximum",
        "requested_minor": 20_001,
        "maximum_minor": 20_000,
    }
    assert not AdCampaign.objects.exists()


def test_a_creative_of_another_store_is_not_found(client, store, other_store, api_key, connections, ad_settings):
    from ads.services import creative_create

    foreign = creative_create(store=other_store, name="x", link_url="https://a.example/x", headlines=["x"])
    body = {"name": "x", "platform": "meta_ads", "daily_budget": 5000, "creative_ids": [foreign.pk]}
    assert call(client, "post", "/campaigns", api_key, body).status_code == 404


@pytest.mark.parametrize("count", [3, 30], ids=["a few campaigns", "many campaigns"])
def test_the_list_runs_a_fixed_number_of_queries(
    client, store, api_key, connections, creative, count, django_assert_num_queries
):
    make_campaigns(store, connections[META_ADS], creative, count)
    # key lookup, key last-use update, count, page
    with django_assert_num_queries(4):
        response = call(client, "get", "/campaigns", api_key)
    assert response.json()["count"] == count


def test_patch_changes_budget_and_status_within_the_cap(client, store, api_key, connections, ad_settings, creative):
    ad_settings.daily_spend_cap_minor = 6000
    ad_settings.save()
    campaign = make_campaigns(store, connections[META_ADS], creative, 1)[0]
    response = call(client, "patch", f"/campaigns/{campaign.pk}", api_key, {"daily_budget": 5500, "status": "active"})
    assert response.status_code == 200
    assert (response.json()["daily_budget"], response.json()["status"]) == (5500, "active")
    response = call(client, "patch", f"/campaigns/{campaign.pk}", api_key, {"daily_budget": 6001})
    assert (response.status_code, response.json()["code"]) == (400, "spend_cap_exceeded")
    campaign.refresh_from_db()
    assert campaign.daily_budget_minor == 5500
    assert call(client, "patch", f"/campaigns/{campaign.pk}", api_key, {}).status_code == 400
    assert call(client, "patch", f"/campaigns/{campaign.pk}", api_key, {"status": "gone"}).status_code == 400
    response = call(client, "patch", f"/campaigns/{campaign.pk}", api_key, {"status": "paused"})
    assert response.json()["status"] == "paused"
    assert call(client, "get", f"/campaigns/{campaign.pk}", api_key).json()["status"] == "paused"


def test_an_analyst_key_reads_but_cannot_change(client, store, connections, creative):
    key = api_key_create(store=store, name="Read", created_by=None, role=Role.ANALYST)[1]
    campaign = make_campaigns(store, connections[META_ADS], creative, 1)[0]
    assert call(client, "get", "/campaigns", key).status_code == 200
    assert call(client, "patch", f"/campaigns/{campaign.pk}", key, {"status": "active"}).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED


def test_creatives_are_created_and_validated(client, store, api_key):
    body = {"name": "Socks", "link_url": "https://shop.example.com/p", "headlines": ["A", "B", "C"]}
    assert call(client, "post", "/creatives", api_key, body).status_code == 201
    response = call(client, "post", "/creatives", api_key, body | {"link_url": "ftp://x", "headlines": []})
    assert response.json()["detail"] == "The link must be an http(s) URL. Add at least one headline."
