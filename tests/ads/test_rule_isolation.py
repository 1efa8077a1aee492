"""The periodic ads loops isolate each item: a rule, a campaign or a connection that fails is logged, counted and
recorded on itself, and the loop goes on with the others (other stores' included)."""

import datetime as dt
import logging

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError
from prometheus_client import REGISTRY

from ads import tasks
from ads.models import AdCampaign, AdInsight, AdRule, AdRuleRun, CampaignStatus
from ads.services import campaigns_complete_due
from ads.services.rules import rule_create, rule_evaluate, rule_window, rules_run_all
from platforms.constants import META_ADS, TIKTOK_ADS
from stores.models import PlatformConnection, Store
from tests.platform_fixtures import connect_store

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 16, 0, tzinfo=dt.UTC)


def failures(loop: str) -> float:
    return REGISTRY.get_sample_value("growth_ads_loop_item_failures_total", {"loop": loop}) or 0.0


def rule_for(store, **overrides):
    fields = {
        "name": "Tell me about losers",
        "metric": "roas",
        "operator": "lt",
        "threshold": "1.0",
        "window_days": 7,
        "min_spend_minor": 0,
        "action": "notify",
        "change_percent": 0,
        "cooldown_hours": 24,
        "platform": "",
    } | overrides
    return rule_create(store=store, by=None, **fields)


def campaign_for(store, connection, creative, **fields):
    values = {
        "store": store,
        "platform": connection.platform,
        "connection": connection,
        "name": "Socks",
        "status": CampaignStatus.ACTIVE,
        "daily_budget_minor": 5000,
        "currency": "USD",
        "creative": creative,
        "external_campaign_id": f"ext-{connection.pk}",
    } | fields
    return AdCampaign.objects.create(**values)


def test_a_rule_with_a_huge_stored_cooldown_does_not_stop_another_stores_rule(
    store, other_store, connections, creative, caplog
):
    # given another store's rule whose stored cooldown is huge (old data, written past the validation) ...
    broken = rule_for(other_store, name="Broken")
    AdRule.objects.filter(pk=broken.pk).update(cooldown_hours=100_000_000)
    # ... and, after it, this store's rule over a losing campaign
    campaign = campaign_for(store, connections[META_ADS], creative)
    AdInsight.objects.create(store=store, campaign=campaign, date=dt.date(2026, 6, 15), spend_minor=6000, synced_at=NOW)
    healthy = rule_for(store, name="Healthy")
    before = failures("ad_rules")
    # when the hourly run evaluates every rule
    with caplog.at_level(logging.ERROR, logger="ads.rules"):
        ran = rules_run_all(now=NOW)
    # then this store's rule was evaluated and acted on
    assert ran == 1
    run = AdRuleRun.objects.get(rule=healthy)
    assert (run.evaluated, run.matched, run.results[0]["outcome"]) == (1, 1, "notified")
    healthy.refresh_from_db()
    assert (healthy.last_run_at, healthy.last_error, healthy.last_error_at) == (NOW, "", None)
    # and the broken rule carries its error, ran nothing, was logged with its id and counted
    broken.refresh_from_db()
    assert broken.last_error == (
        "“Broken” cannot run until it is edited: The cooldown is at most 2160 hours (90 days)."
    )
    assert (broken.last_error_at, broken.last_run_at) == (NOW, None)
    assert not AdRuleRun.objects.filter(rule=broken).exists()
    assert [r.rule_id for r in caplog.records if r.getMessage() == "ad rule evaluation failed"] == [broken.pk]
    assert failures("ad_rules") == before + 1


def test_a_store_whose_data_breaks_the_evaluation_is_recorded_and_the_others_run(store, other_store):
    # given a rule of a store whose stored time zone no longer exists, then a rule of another store
    broken = rule_for(other_store, name="Broken")
    Store.objects.filter(pk=other_store.pk).update(timezone="Mars/Olympus_Mons")
    healthy = rule_for(store, name="Healthy")
    # when the hourly run evaluates every rule
    ran = rules_run_all(now=NOW)
    # then the other store's rule ran and the broken one names the kind of failure (details are in the log)
    assert ran == 1
    assert AdRuleRun.objects.filter(rule=healthy).count() == 1
    broken.refresh_from_db()
    assert broken.last_error == (
        "The rule could not be evaluated (ZoneInfoNotFoundError); the details are in Growth Hub's log."
    )
    assert not AdRuleRun.objects.filter(rule=broken).exists()


def test_a_successful_run_clears_the_recorded_error(store):
    # given a rule that failed an hour ago
    rule = rule_for(store)
    AdRule.objects.filter(pk=rule.pk).update(last_error="Something broke.", last_error_at=NOW - dt.timedelta(hours=1))
    # when it runs and succeeds
    assert rules_run_all(now=NOW) == 1
    # then the error is gone
    rule.refresh_from_db()
    assert (rule.last_error, rule.last_error_at, rule.last_run_at) == ("", None, NOW)


def test_the_rules_page_shows_the_recorded_error_and_the_preview_refuses_the_broken_rule(owner_client, store):
    # given a rule whose stored cooldown is out of bounds, recorded by the hourly run
    rule = rule_for(store, name="Broken")
    AdRule.objects.filter(pk=rule.pk).update(cooldown_hours=100_000_000)
    rules_run_all(now=timezone.now())
    # when the merchant opens the rules page, then the error is shown on the rule
    page = owner_client.get("/ads/rules/").content.decode()
    assert "cannot run until it is edited: The cooldown is at most 2160 hours (90 days)." in page
    # when the merchant previews it, then a 400 says why (it answered 500 before) and nothing is recorded
    response = owner_client.get(f"/ads/rules/{rule.pk}/preview/", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "The cooldown is at most 2160 hours (90 days)." in response.content.decode()
    assert not AdRuleRun.objects.exists()


def test_the_window_is_the_stores_days_in_auckland(store, connections, creative):
    # given a store in Auckland: 16:00 UTC on 15 June is 04:00 on 16 June there
    Store.objects.filter(pk=store.pk).update(timezone="Pacific/Auckland")
    store.refresh_from_db()
    campaign = campaign_for(store, connections[META_ADS], creative)
    AdInsight.objects.create(store=store, campaign=campaign, date=dt.date(2026, 6, 16), spend_minor=700, synced_at=NOW)
    AdInsight.objects.create(store=store, campaign=campaign, date=dt.date(2026, 6, 15), spend_minor=300, synced_at=NOW)
    rule = rule_for(store, metric="spend", operator="gte", threshold="0", window_days=1)
    # when a one-day rule runs
    results = rule_evaluate(rule=rule, now=NOW, dry_run=True)
    # then "today" is Auckland's 16 June, so only that day's spend counts
    assert rule_window(rule, NOW) == (dt.date(2026, 6, 16), dt.date(2026, 6, 16))
    assert results[0]["spend_minor"] == 700


def test_a_campaign_that_cannot_be_completed_does_not_stop_the_others(store, other_store, connections, creative):
    # given two campaigns past their end: the first of a store whose time zone no longer exists
    other_connection = connect_store(other_store, META_ADS, ad_account_id="act_2000002")
    broken = campaign_for(other_store, other_connection, creative, end_at=NOW - dt.timedelta(hours=2))
    healthy = campaign_for(store, connections[META_ADS], creative, end_at=NOW - dt.timedelta(hours=1))
    Store.objects.filter(pk=other_store.pk).update(timezone="Mars/Olympus_Mons")
    before = failures("campaigns_complete")
    # when the completion sweep runs
    completed = campaigns_complete_due(now=NOW)
    # then the healthy one is completed and the broken one carries why it is not
    assert completed == 1
    healthy.refresh_from_db()
    broken.refresh_from_db()
    assert (healthy.status, healthy.last_error) == (CampaignStatus.COMPLETED, "")
    assert broken.status == CampaignStatus.ACTIVE
    assert broken.last_error == (
        "Could not be marked completed after its end date (ZoneInfoNotFoundError); Growth Hub tries again every "
        "10 minutes."
    )
    assert failures("campaigns_complete") == before + 1


def test_an_insights_sync_that_breaks_is_recorded_on_its_connection(store, connections, creative):
    # given a connection with a campaign, in a store whose time zone no longer exists
    connection = connections[META_ADS]
    campaign_for(store, connection, creative)
    Store.objects.filter(pk=store.pk).update(timezone="Mars/Olympus_Mons")
    # when its sync task runs
    result = tasks.connection_insights_sync_task.apply(args=(connection.pk, 2))
    # then the task ends without raising and the connection says the sync failed
    assert result.successful()
    connection.refresh_from_db()
    assert connection.last_error == (
        "The ads insights sync failed (ZoneInfoNotFoundError); Growth Hub tries again on the next run."
    )
    assert connection.last_failure_at is not None
    assert not AdInsight.objects.exists()


def test_a_connection_whose_sync_cannot_be_queued_does_not_stop_the_others(store, connections, creative, monkeypatch):
    # given two connections with campaigns, and a broker that refuses the first one's task
    meta, tiktok = connections[META_ADS], connections[TIKTOK_ADS]
    campaign_for(store, meta, creative)
    campaign_for(store, tiktok, creative)
    queued = []

    def delay(connection_id, days):
        if connection_id == meta.pk:
            raise OperationalError("connection refused")
        queued.append((connection_id, days))

    monkeypatch.setattr(tasks.connection_insights_sync_task, "delay", delay)
    before = failures("insights_queue")
    # when the hourly fan-out runs
    count = tasks.ads_insights_sync_today_task.apply().get()
    # then the second connection was queued and the first one carries the failure
    assert count == 1
    assert queued == [(tiktok.pk, 2)]
    meta.refresh_from_db()
    assert meta.last_error == (
        "The ads insights sync could not be queued (OperationalError); Growth Hub tries again on the next run."
    )
    assert PlatformConnection.objects.get(pk=tiktok.pk).last_error == ""
    assert failures("insights_queue") == before + 1
