"""Money a rule computes (a new budget, a cost per purchase) is rounded half up, as ``stores.money`` rounds, not
half to even as Python's ``round()`` and Decimal's default context do."""

import datetime as dt

import pytest

from ads.models import AdCampaign, AdInsight, CampaignStatus
from ads.services.rules import rule_create, rule_evaluate
from platforms.constants import META_ADS

NOW = dt.datetime(2026, 6, 15, 16, 0, tzinfo=dt.UTC)


def _campaign(store, connections, creative, *, budget_minor: int) -> AdCampaign:
    return AdCampaign.objects.create(
        store=store,
        platform=META_ADS,
        connection=connections[META_ADS],
        name="Half cent",
        status=CampaignStatus.ACTIVE,
        daily_budget_minor=budget_minor,
        currency="USD",
        creative=creative,
        external_campaign_id="120200000000777",
    )


def _rule(store, **overrides):
    fields = {
        "name": "Nudge",
        "metric": "spend",
        "operator": "gte",
        "threshold": "0",
        "window_days": 7,
        "min_spend_minor": 0,
        "action": "notify",
        "change_percent": 0,
        "cooldown_hours": 24,
        "platform": "",
    } | overrides
    return rule_create(store=store, by=None, **fields)


def _spent(campaign: AdCampaign, *, spend: int, purchases: int = 0) -> None:
    AdInsight.objects.create(
        store=campaign.store,
        campaign=campaign,
        date=NOW.astimezone(campaign.store.tzinfo).date(),
        spend_minor=spend,
        purchases=purchases,
        synced_at=NOW,
    )


@pytest.mark.django_db
def test_a_budget_change_that_lands_on_half_a_cent_rounds_up(store, connections, creative):
    # given a campaign at 50.50 a day that spent today, and a rule raising budgets by 1 %
    campaign = _campaign(store, connections, creative, budget_minor=5050)
    _spent(campaign, spend=100)
    rule = _rule(store, action="budget_up", change_percent=1)

    # when the rule is previewed
    result = rule_evaluate(rule=rule, now=NOW, dry_run=True)[0]

    # then 50.50 + 1 % = 51.005 becomes 51.01 (half up), not 51.00 (half to even)
    assert result["outcome"] == "would set the budget to USD 51.01"


@pytest.mark.django_db
def test_a_cost_per_purchase_on_half_a_cent_rounds_up(store, connections, creative):
    # given 1.25 spent for 2 purchases
    campaign = _campaign(store, connections, creative, budget_minor=5000)
    _spent(campaign, spend=125, purchases=2)
    rule = _rule(store, metric="cpa", operator="gt", threshold="0.62")

    # when a "cost per purchase above 0.62" rule is previewed
    result = rule_evaluate(rule=rule, now=NOW, dry_run=True)[0]

    # then the cost per purchase is 0.63 (0.625 half up) and the rule matches
    assert (result["value"], result["matched"]) == ("0.63", True)


@pytest.mark.parametrize(("spend", "purchases", "cpa"), [(5, 2, 3), (12345, 2, 6173), (1001, 2, 501), (7, 3, 2)])
def test_a_campaign_cost_per_purchase_rounds_halves_up(spend, purchases, cpa):
    # given a campaign's totals whose cost per purchase may land on half a minor unit
    campaign = AdCampaign(spend_minor=spend, purchases=purchases)
    # then the cost per purchase shown is rounded half up (2.5 -> 3, 6172.5 -> 6173), not half to even
    assert campaign.cpa_minor == cpa
