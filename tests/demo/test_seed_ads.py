"""The demo seed's ads step: a year of ended campaigns on the three ad platforms, deterministic with the seed, whose
daily insights are exactly what the sandbox's market reports for the same campaign and delivery history."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.db.models import Sum

from ads.models import ActionKind, AdCampaign, AdInsight, AdRule, CampaignAction, CampaignStatus, StoreAdSettings
from ads.services import committed_daily_budget
from demo.connections import DEMO_CONNECTIONS
from demo.seed.ads import demo_ads_seed, market_objective
from demo.seed.plan import demo_seed_plan
from demo.seed.store import DEMO_SHOP, DEMO_STORE_SLUG
from platforms.constants import AD_PLATFORMS, ALL_PLATFORMS, GOOGLE_ADS, META_ADS, SHOPIFY, TIKTOK_ADS
from sandbox.ads import market
from sandbox.models import AccountKind, SandboxAccount, SandboxAdHistory, SandboxAdObject, SandboxCatalogItem
from sandbox.services import DEMO_ACCOUNTS
from stores.exceptions import ApplicationError
from stores.models import ConnectionEvent, ConnectionStatus, PlatformConnection, Store
from tests.factories import StoreFactory
from tests.platform_fixtures import connect_store

# The seed syncs the demo store from the sandbox shop over HTTP, so every test here runs with the demo's server.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_server")]

END = "2026-11-26"


def seed(*extra: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--orders", "300", "--seed", "11", "--end-date", END, *extra, stdout=out)
    return out.getvalue()


def demo_store() -> Store:
    return Store.objects.get(slug=DEMO_STORE_SLUG)


def digest(store: Store) -> str:
    h = hashlib.sha256()
    for row in AdCampaign.objects.filter(store=store).order_by("external_campaign_id").values_list(
        "platform", "intent_id", "name", "objective", "status", "daily_budget_minor", "start_at", "end_at",
        "product__external_id", "external_budget_id", "external_campaign_id", "external_adset_id",
        "external_creative_id", "external_ad_id", "spend_minor", "impressions", "clicks", "purchases",
        "purchase_value_minor", "created_at",
    ):  # fmt: skip
        h.update(repr(row).encode())
    for row in AdInsight.objects.filter(store=store).order_by("campaign__external_campaign_id", "date").values_list(
        "campaign__external_campaign_id", "date", "spend_minor", "impressions", "clicks", "purchases",
        "purchase_value_minor",
    ):  # fmt: skip
        h.update(repr(row).encode())
    actions = CampaignAction.objects.filter(store=store).order_by("campaign__external_campaign_id", "created_at")
    for row in actions.values_list(
        "campaign__external_campaign_id", "kind", "actor_kind", "reason", "before", "after", "result", "created_at"
    ):
        h.update(repr(row).encode())
    return h.hexdigest()


def test_the_same_seed_gives_the_same_campaigns_insights_and_logs_after_a_reset():
    # given a seeded demo store
    summary = seed()
    store = demo_store()
    first = digest(store)
    # when it is reset and seeded again with the same seed and end date
    seed("--reset")
    # then every campaign, daily insight and logged action is the same
    assert digest(demo_store()) == first
    count = AdCampaign.objects.filter(store=store).count()
    insights = AdInsight.objects.filter(store=store).count()
    assert f"ads: {count} campaigns (" in summary
    assert f"{insights} daily insights" in summary
    # and a year on three platforms is a real history, not a token one
    assert count >= 3 * 8
    assert insights > 20 * count
    assert set(AdCampaign.objects.filter(store=store).values_list("platform", flat=True)) == set(AD_PLATFORMS)


def test_another_seed_gives_other_campaigns():
    seed()
    first = digest(demo_store())
    call_command("seed_demo", "--orders", "300", "--seed", "12", "--end-date", END, "--reset", stdout=io.StringIO())
    assert digest(demo_store()) != first


def test_the_demo_connections_are_the_sandbox_demo_accounts_signed_in_by_real_consents():
    seed()
    store = demo_store()
    connections = {c.platform: c for c in PlatformConnection.objects.filter(store=store)}
    # then there is one per platform, for the first demo person (and ad account) the sandbox bootstraps, and the
    # store's own connection to the demo Shopify shop
    assert set(connections) == {*ALL_PLATFORMS, SHOPIFY}
    assert connections[SHOPIFY].external_account_id == DEMO_SHOP
    for platform, demo in DEMO_CONNECTIONS.items():
        sandbox_person = DEMO_ACCOUNTS[platform][0]
        assert (demo.account_id, demo.account_name) == (sandbox_person.external_id, sandbox_person.name)
        if platform in AD_PLATFORMS:
            assert (demo.ad_account_id, demo.ad_account_name, demo.currency) == sandbox_person.ad_accounts[0]
        connection = connections[platform]
        assert (connection.external_account_id, connection.ad_account_id) == (demo.account_id, demo.ad_account_id)
    # and each was recorded without a token, then signed in at the sandbox by the seed's connect step
    assert ConnectionEvent.objects.filter(store=store, kind="expired").count() == len(ALL_PLATFORMS)
    for connection in connections.values():
        assert connection.status == ConnectionStatus.ACTIVE
        assert connection.access_token_encrypted != ""
        assert connection.last_error == ""


def test_every_seeded_campaign_has_ended_and_its_totals_are_its_days():
    seed()
    store = demo_store()
    campaigns = AdCampaign.objects.filter(store=store)
    # then nothing seeded is live, so nothing counts against the cap
    assert set(campaigns.values_list("status", flat=True)) <= {CampaignStatus.COMPLETED, CampaignStatus.ARCHIVED}
    assert campaigns.filter(status=CampaignStatus.ARCHIVED).exists()
    assert committed_daily_budget(store=store) == 0
    for campaign in campaigns:
        totals = campaign.insights.aggregate(spend=Sum("spend_minor"), value=Sum("purchase_value_minor"))
        assert (campaign.spend_minor, campaign.purchase_value_minor) == (totals["spend"], totals["value"])
        assert campaign.end_at <= dt.datetime.fromisoformat(f"{END}T23:59:59").replace(tzinfo=store.tzinfo)
        last = campaign.actions.order_by("created_at", "pk").last()
        expected = ActionKind.COMPLETE if campaign.status == CampaignStatus.COMPLETED else ActionKind.ARCHIVE
        assert (last.kind, last.created_at) == (expected, campaign.end_at)
    # and the store is ready to run new campaigns once connected
    settings_row = StoreAdSettings.objects.get(store=store)
    assert (settings_row.meta_page_id, settings_row.daily_spend_cap_minor) == ("104000000000001", 40_000)
    assert AdRule.objects.filter(store=store).count() == 2


def _sandbox_twin(campaign: AdCampaign) -> SandboxAdObject:
    """The same campaign at the sandbox: its id, objective, product price, and a delivery history rebuilt from
    the app's own action log (activate, budget changes, pauses, resumes, end)."""
    account = SandboxAccount.objects.create(
        platform=campaign.platform,
        kind=AccountKind.AD_ACCOUNT,
        external_id=f"twin-{campaign.pk}",
        name="Twin",
        timezone_name=campaign.store.timezone,
    )
    data = {"end_time": campaign.end_at.isoformat()} if campaign.platform == GOOGLE_ADS else {}
    twin = SandboxAdObject.objects.create(
        platform=campaign.platform,
        account=account,
        kind="campaign",
        external_id=campaign.external_campaign_id,
        name=campaign.platform_name,
        status="ACTIVE",
        objective=market_objective(campaign.platform, campaign.objective),
        data=data,
        created_at=campaign.start_at,
    )
    adset = SandboxAdObject.objects.create(
        platform=campaign.platform,
        account=account,
        kind="adset",
        external_id=campaign.external_adset_id,
        name="Twin ad set",
        status="ACTIVE",
        parent=twin,
        campaign=twin,
        data={} if campaign.platform == GOOGLE_ADS else {"end_time": campaign.end_at.isoformat()},
        created_at=campaign.start_at,
    )
    SandboxAdObject.objects.create(
        platform=campaign.platform,
        account=account,
        kind="ad",
        external_id=campaign.external_ad_id,
        name="Twin ad",
        status="ACTIVE",
        parent=adset,
        campaign=twin,
        landing_url=f"{campaign.product.url}?utm_campaign=gh-ad-{campaign.pk}",
        created_at=campaign.start_at,
    )
    SandboxCatalogItem.objects.get_or_create(
        url=campaign.product.url, defaults={"price_minor": campaign.product.price_minor}
    )
    budget = None
    for action in campaign.actions.order_by("created_at", "pk"):
        if action.kind == ActionKind.ACTIVATE:
            budget = action.after.get("daily_budget_minor") or _first_budget(campaign)
            SandboxAdHistory.objects.create(
                campaign=twin, at=action.created_at, delivering=True, daily_budget_minor=budget
            )
        elif action.kind == ActionKind.BUDGET:
            budget = action.after["daily_budget_minor"]
            SandboxAdHistory.objects.create(
                campaign=twin, at=action.created_at, delivering=True, daily_budget_minor=budget
            )
        elif action.kind == ActionKind.PAUSE:
            SandboxAdHistory.objects.create(campaign=twin, at=action.created_at, delivering=False, daily_budget_minor=0)
        elif action.kind == ActionKind.RESUME:
            SandboxAdHistory.objects.create(
                campaign=twin, at=action.created_at, delivering=True, daily_budget_minor=budget
            )
        elif action.kind == ActionKind.ARCHIVE:
            SandboxAdHistory.objects.create(campaign=twin, at=action.created_at, delivering=False, daily_budget_minor=0)
    return twin


def _first_budget(campaign: AdCampaign) -> int:
    change = campaign.actions.filter(kind=ActionKind.BUDGET).order_by("created_at").first()
    return change.before["daily_budget_minor"] if change else campaign.daily_budget_minor


@pytest.mark.parametrize("platform", [META_ADS, GOOGLE_ADS, TIKTOK_ADS], ids=["on Meta", "on Google Ads", "on TikTok"])
def test_seeded_insights_are_what_the_sandbox_market_reports_for_the_same_campaign(platform):
    # given the seeded year
    seed()
    store = demo_store()
    plan_end = dt.datetime.combine(dt.date.fromisoformat(END) + dt.timedelta(days=1), dt.time(), tzinfo=store.tzinfo)
    # (the campaigns with the most going on: a budget change, a pause, an early stop)
    campaigns = AdCampaign.objects.filter(store=store, platform=platform).select_related("product", "store")
    chosen = sorted(campaigns, key=lambda c: (-c.actions.count(), c.external_campaign_id))[:2]
    chosen.append(campaigns.filter(status=CampaignStatus.ARCHIVED).first() or chosen[0])
    for campaign in chosen:
        # when the sandbox simulates the same campaign from the delivery history the app's log tells
        twin = _sandbox_twin(campaign)
        start = campaign.start_at.astimezone(store.tzinfo).date()
        reported = market.simulate_range(twin, start, start + dt.timedelta(days=120), now=plan_end)
        # then every day's numbers agree with the seeded insight, to the cent and the click
        seeded = list(
            campaign.insights.order_by("date").values_list(
                "date", "spend_minor", "impressions", "clicks", "purchases", "purchase_value_minor"
            )
        )
        assert seeded == [
            (d.date, d.spend_minor, d.impressions, d.clicks, d.purchases, d.value_minor) for d in reported
        ]
        # and nothing is spent after the campaign's end
        assert max(d for d, *_ in seeded) <= campaign.end_at.astimezone(store.tzinfo).date()
        SandboxAdObject.objects.filter(account=twin.account).delete()


def test_the_ads_step_refuses_a_store_with_campaigns_or_without_products():
    seed()
    store = demo_store()
    plan = demo_seed_plan(store=store, seed=1, orders=10, end=dt.datetime(2026, 11, 26, tzinfo=dt.UTC))
    before = AdCampaign.objects.count()
    with pytest.raises(ApplicationError, match="already has ad campaigns"):
        demo_ads_seed(plan=plan, progress=lambda desc, total: None)
    empty = StoreFactory()
    with pytest.raises(ApplicationError, match="products"):
        demo_ads_seed(plan=demo_seed_plan(store=empty, seed=1, orders=10, end=plan.end), progress=None)
    assert AdCampaign.objects.count() == before
    assert not PlatformConnection.objects.filter(store=empty).exists()


def test_reset_removes_the_ads_and_connections_of_the_demo_store_only():
    # given another store connected to Meta, and a seeded demo store
    other = StoreFactory()
    connect_store(other, META_ADS, ad_account_id="act_9000001")
    seed()
    first = set(PlatformConnection.objects.filter(store=demo_store()).values_list("pk", flat=True))
    events = ConnectionEvent.objects.filter(store=demo_store()).count()
    # when the demo store is reset and seeded again
    seed("--reset")
    demo = demo_store()
    # then the demo store has fresh connections and events, one seeding's worth, and the other store kept its own
    again = set(PlatformConnection.objects.filter(store=demo).values_list("pk", flat=True))
    assert len(again) == len(ALL_PLATFORMS) + 1 and not again & first
    assert ConnectionEvent.objects.filter(store=demo).count() == events
    assert PlatformConnection.objects.filter(store=other).count() == 1
