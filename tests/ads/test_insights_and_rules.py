"""Insights sync (upserts, late conversions picked up on re-sync) and rule semantics: window, threshold,
minimum spend, cooldown, and a dry run that changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ads.models import ActionResult, AdCampaign, AdInsight, AdRule, AdRuleRun, CampaignAction, CampaignStatus
from ads.services import campaign_create
from ads.services.insights import connections_with_campaigns, insights_sync_for_connection
from ads.services.rules import rule_create, rule_evaluate, rules_run_all
from ads.tasks import ad_rules_run_task, ads_insights_resync_task, ads_insights_sync_today_task
from platforms.constants import META_ADS, TIKTOK_ADS
from sandbox.ads import market
from sandbox.models import SandboxAdObject
from stores.actors import SYSTEM
from stores.exceptions import ApplicationError
from tests.ads.conftest import age_sandbox_campaign

NOW = dt.datetime(2026, 6, 15, 16, 0, tzinfo=dt.UTC)  # 12:00 in New York, the store's zone


def insight(campaign, day, *, spend, value=0, purchases=0, clicks=0, impressions=0):
    return AdInsight.objects.create(
        store=campaign.store,
        campaign=campaign,
        date=day,
        spend_minor=spend,
        purchase_value_minor=value,
        purchases=purchases,
        clicks=clicks,
        impressions=impressions,
        synced_at=NOW,
    )


@pytest.fixture
def active_campaign(store, connections, creative):
    return AdCampaign.objects.create(
        store=store,
        platform=META_ADS,
        connection=connections[META_ADS],
        name="Loser",
        status=CampaignStatus.ACTIVE,
        daily_budget_minor=5000,
        currency="USD",
        creative=creative,
        external_campaign_id="120200000000001",
    )


def roas_rule(store, **overrides):
    fields = {
        "name": "Pause losers",
        "metric": "roas",
        "operator": "lt",
        "threshold": "1.0",
        "window_days": 7,
        "min_spend_minor": 5000,
        "action": "notify",
        "change_percent": 0,
        "cooldown_hours": 24,
        "platform": "",
    } | overrides
    return rule_create(store=store, by=None, **fields)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days_ago", "matched"),
    [(0, True), (6, True), (7, False)],
    ids=["today is inside the window", "six days ago is inside", "seven days ago is outside a 7-day window"],
)
def test_the_window_counts_the_last_n_days_including_today(store, active_campaign, days_ago, matched):
    # given 60.00 spent with no purchases on one day
    today = NOW.astimezone(store.tzinfo).date()
    insight(active_campaign, today - dt.timedelta(days=days_ago), spend=6000)
    # when a "ROAS < 1 with spend ≥ 50.00 over 7 days" rule is previewed
    results = rule_evaluate(rule=roas_rule(store), now=NOW, dry_run=True)
    # then the day counts only inside the window
    assert results[0]["matched"] is matched


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "spend", "matched"),
    [(5999, 6000, True), (6000, 6000, False), (0, 4999, False)],
    ids=["ROAS just under 1 matches", "ROAS of exactly 1 does not", "spend under the minimum never matches"],
)
def test_the_threshold_and_minimum_spend(store, active_campaign, value, spend, matched):
    today = NOW.astimezone(store.tzinfo).date()
    insight(active_campaign, today, spend=spend, value=value, purchases=1)
    assert rule_evaluate(rule=roas_rule(store), now=NOW, dry_run=True)[0]["matched"] is matched


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("metric", "operator", "threshold", "expected"),
    [
        ("spend", "gt", "59.99", "60"),
        ("cpa", "gt", "19.99", "20.00"),
        ("ctr", "gte", "2", "2.0000"),
        ("conversions", "lte", "3", "3"),
    ],
    ids=["spend in major units", "cost per purchase", "click-through rate in percent", "conversions"],
)
def test_each_metric_is_computed_from_the_window(store, active_campaign, metric, operator, threshold, expected):
    today = NOW.astimezone(store.tzinfo).date()
    insight(active_campaign, today, spend=4000, purchases=2, clicks=20, impressions=1000)
    insight(active_campaign, today - dt.timedelta(days=1), spend=2000, purchases=1, clicks=0, impressions=0)
    rule = roas_rule(store, metric=metric, operator=operator, threshold=threshold, min_spend_minor=0)
    result = rule_evaluate(rule=rule, now=NOW, dry_run=True)[0]
    assert (result["value"], result["matched"]) == (expected, True)


@pytest.mark.django_db
def test_cpa_with_spend_and_no_purchases_is_unbounded(store, active_campaign):
    insight(active_campaign, NOW.date(), spend=3000)
    rule = roas_rule(store, metric="cpa", operator="gt", threshold="25", min_spend_minor=0)
    assert rule_evaluate(rule=rule, now=NOW, dry_run=True)[0]["value"] == "inf"


@pytest.mark.django_db
def test_a_dry_run_lists_what_would_happen_and_changes_nothing(store, active_campaign):
    # given a losing campaign and a pause rule
    insight(active_campaign, NOW.date(), spend=6000, value=1200)
    rule = roas_rule(store, action="pause")
    # when the rule is previewed
    results = rule_evaluate(rule=rule, now=NOW, dry_run=True)
    # then it says it would pause, and nothing changed: no status, no action, no run log
    assert [r["outcome"] for r in results] == ["would pause"]
    assert results[0]["reason"] == ("Pause losers: ROAS 0.2 < 1 over the last 7 days (spend USD 60.00)")
    active_campaign.refresh_from_db()
    assert active_campaign.status == CampaignStatus.ACTIVE
    assert not CampaignAction.objects.exists()
    assert not AdRuleRun.objects.exists()
    rule.refresh_from_db()
    assert rule.last_run_at is None


@pytest.mark.django_db(transaction=True)
def test_a_rule_acts_once_then_cools_down(store, active_campaign, ad_settings):
    # given a losing campaign and a rule that lowers budgets by 20 % with a 24-hour cooldown
    insight(active_campaign, timezone.now().astimezone(store.tzinfo).date(), spend=6000, value=1200)
    rule = roas_rule(store, action="budget_down", change_percent=20)
    # when the rule runs
    first = rule_evaluate(rule=rule, now=timezone.now())
    # then the budget is lowered, logged as the rule's action with its reason
    active_campaign.refresh_from_db()
    assert active_campaign.daily_budget_minor == 4000
    assert first[0]["outcome"] == "budget set to USD 40.00"
    action = CampaignAction.objects.get(rule=rule)
    assert (action.actor_kind, action.actor_label, action.after) == (
        "rule",
        "Pause losers",
        {"daily_budget_minor": 4000},
    )
    # when it runs again within the cooldown
    second = rule_evaluate(rule=rule, now=timezone.now())
    # then it leaves the campaign alone
    assert second[0]["outcome"] == "cooling down (24 h since this rule last acted)"
    active_campaign.refresh_from_db()
    assert active_campaign.daily_budget_minor == 4000
    assert AdRuleRun.objects.filter(rule=rule).count() == 2
    # when the cooldown has passed it acts again
    third = rule_evaluate(rule=rule, now=timezone.now() + dt.timedelta(hours=25))
    assert third[0]["outcome"] == "budget set to USD 32.00"


@pytest.mark.django_db(transaction=True)
def test_a_rule_cannot_take_the_store_over_its_cap(store, active_campaign, ad_settings):
    # given a cap of 55.00 and a winner at 50.00
    ad_settings.daily_spend_cap_minor = 5500
    ad_settings.save()
    insight(active_campaign, timezone.now().astimezone(store.tzinfo).date(), spend=6000, value=30000)
    rule = roas_rule(store, operator="gt", threshold="3", action="budget_up", change_percent=50)
    # when the rule would raise the budget to 75.00
    results = rule_evaluate(rule=rule, now=timezone.now())
    # then the guardrail refuses, the refusal is logged, and the budget is unchanged
    assert results[0]["outcome"].startswith("refused: Active daily budgets would total USD 75.00")
    active_campaign.refresh_from_db()
    assert active_campaign.daily_budget_minor == 5000
    assert CampaignAction.objects.get(rule=rule).result == ActionResult.REFUSED


@pytest.mark.django_db(transaction=True)
def test_pause_resume_and_notify_rules_act_through_the_services(store, active_campaign, ad_settings):
    insight(active_campaign, timezone.now().astimezone(store.tzinfo).date(), spend=6000)
    pause = roas_rule(store, action="pause", cooldown_hours=0)
    assert rule_evaluate(rule=pause, now=timezone.now())[0]["outcome"] == "paused"
    resume = roas_rule(store, name="Try again", action="resume", cooldown_hours=0)
    assert rule_evaluate(rule=resume, now=timezone.now())[0]["outcome"] == "resumed"
    notify = roas_rule(store, name="Tell me", action="notify", platform=META_ADS)
    assert rule_evaluate(rule=notify, now=timezone.now())[0]["outcome"] == "notified"
    assert ad_rules_run_task.apply().get() == 3
    assert rules_run_all(now=timezone.now()) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"metric": "likes"}, "Choose spend, ROAS, CPA, CTR or conversions."),
        ({"threshold": "-1"}, "The threshold must be a number of zero or more."),
        ({"window_days": 0}, "The window is 1 to 90 days."),
        ({"action": "budget_up", "change_percent": 0}, "A budget change is 1 to 100 percent."),
        ({"name": " "}, "Give the rule a name of 1 to 120 characters."),
    ],
    ids=["unknown metric", "negative threshold", "empty window", "budget change without a percent", "no name"],
)
def test_invalid_rules_are_refused(store, overrides, message):
    with pytest.raises(ApplicationError) as refused:
        roas_rule(store, **overrides)
    assert refused.value.message == message
    assert not AdRule.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_insights_sync_upserts_days_and_picks_up_late_conversions(
    store, connections, ad_settings, creative, catalog, eager_tasks, sandbox_url
):
    # given a TikTok campaign that has run for five days
    campaign = campaign_create(
        store=store,
        platform=TIKTOK_ADS,
        name="Socks",
        objective="sales",
        daily_budget_minor=5000,
        creative=creative,
        actor=SYSTEM,
        activate=True,
    )
    campaign.refresh_from_db()
    age_sandbox_campaign(TIKTOK_ADS, campaign.external_campaign_id, days=5)
    remote = SandboxAdObject.objects.get(platform=TIKTOK_ADS, external_id=campaign.external_campaign_id)
    assert connections_with_campaigns() == [connections[TIKTOK_ADS].pk]
    # when the last 28 days are synced
    written = insights_sync_for_connection(connection_id=connections[TIKTOK_ADS].pk, days=28)
    # then there is one row per day the market reports, and the totals are their sums
    today = market.today_for(remote)
    days = market.simulate_range(remote, today - dt.timedelta(days=27), today)
    assert written == len(days) == AdInsight.objects.filter(campaign=campaign).count()
    campaign.refresh_from_db()
    assert campaign.spend_minor == sum(d.spend_minor for d in days)
    assert campaign.purchases == sum(d.purchases for d in days)
    assert campaign.purchase_value_minor == sum(d.value_minor for d in days)
    # when three more days pass at the market and the sync runs again, every row is the market's again
    age_sandbox_campaign(TIKTOK_ADS, campaign.external_campaign_id, days=3)
    remote.refresh_from_db()
    insights_sync_for_connection(connection_id=connections[TIKTOK_ADS].pk, days=28)
    later = {d.date: d.purchases for d in market.simulate_range(remote, today - dt.timedelta(days=27), today)}
    stored = dict(AdInsight.objects.filter(campaign=campaign).values_list("date", "purchases"))
    assert {day: stored[day] for day in later} == later
    # and the beat tasks fan out per connection
    assert ads_insights_sync_today_task.apply().get() == 1
    assert ads_insights_resync_task.apply().get() == 1


def test_decimal_thresholds_keep_their_precision():
    assert Decimal("1.0").normalize() == Decimal("1")
