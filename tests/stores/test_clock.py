"""The store's clock: its today, its day bounds in UTC, wall-clock times across DST, and the zone of each request."""

import datetime as dt

import pytest
from django.utils import timezone

from ads.models import AdRule, RuleAction, RuleMetric, RuleOperator
from social.models import PostStatus
from stores.clock import (
    AmbiguousLocalTime,
    NonexistentLocalTime,
    store_date_of,
    store_day_bounds,
    store_days_bounds,
    store_local_to_utc,
    store_timezone,
    store_today,
    zone_today,
)
from stores.models import Store
from tests.factories import MembershipFactory, StoreFactory, UserFactory
from tests.social.factories import SocialPostFactory

NEW_YORK = Store(timezone="America/New_York")
AUCKLAND = Store(timezone="Pacific/Auckland")


@pytest.mark.parametrize(
    ("store", "day", "start", "end"),
    [
        (
            NEW_YORK,
            dt.date(2026, 1, 15),
            dt.datetime(2026, 1, 15, 5, tzinfo=dt.UTC),
            dt.datetime(2026, 1, 16, 5, tzinfo=dt.UTC),
        ),
        (
            NEW_YORK,
            dt.date(2026, 3, 8),
            dt.datetime(2026, 3, 8, 5, tzinfo=dt.UTC),
            dt.datetime(2026, 3, 9, 4, tzinfo=dt.UTC),
        ),
        (
            NEW_YORK,
            dt.date(2026, 11, 1),
            dt.datetime(2026, 11, 1, 4, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 2, 5, tzinfo=dt.UTC),
        ),
        (
            AUCKLAND,
            dt.date(2026, 12, 4),
            dt.datetime(2026, 12, 3, 11, tzinfo=dt.UTC),
            dt.datetime(2026, 12, 4, 11, tzinfo=dt.UTC),
        ),
    ],
    ids=[
        "a winter day in New York is 24 hours from 05:00 UTC",
        "the spring-forward day in New York is 23 hours",
        "the fall-back day in New York is 25 hours",
        "a December day in Auckland starts at 11:00 UTC the day before",
    ],
)
def test_a_store_day_is_bounded_by_its_own_midnights_in_utc(store, day, start, end):
    # given a store and one of its days
    # when its bounds are asked for
    bounds = store_day_bounds(store=store, day=day)

    # then they are the store's midnights, as UTC instants
    assert bounds == (start, end)
    assert bounds[0].tzinfo is dt.UTC


def test_a_run_of_store_days_spans_from_the_first_midnight_to_the_one_after_the_last():
    # given the week of New York's spring-forward change
    # when its bounds are asked for
    start, end = store_days_bounds(store=NEW_YORK, first=dt.date(2026, 3, 2), last=dt.date(2026, 3, 8))

    # then it runs from Monday 00:00 EST to Monday 00:00 EDT: 167 hours
    assert (start, end) == (dt.datetime(2026, 3, 2, 5, tzinfo=dt.UTC), dt.datetime(2026, 3, 9, 4, tzinfo=dt.UTC))
    assert end - start == dt.timedelta(hours=167)


@pytest.mark.parametrize(
    ("store", "now", "today"),
    [
        (NEW_YORK, dt.datetime(2026, 1, 13, 4, 30, tzinfo=dt.UTC), dt.date(2026, 1, 12)),
        (AUCKLAND, dt.datetime(2026, 12, 3, 11, 30, tzinfo=dt.UTC), dt.date(2026, 12, 4)),
        (AUCKLAND, dt.datetime(2026, 12, 3, 10, 59, tzinfo=dt.UTC), dt.date(2026, 12, 3)),
    ],
    ids=[
        "at 04:30 UTC it is still yesterday in New York",
        "at 11:30 UTC it is already tomorrow in Auckland",
        "at 10:59 UTC it is still today in Auckland",
    ],
)
def test_today_is_the_store_date_not_the_utc_date(store, now, today):
    # given an instant
    # when the store's today and the store date of that instant are asked for
    # then both are the store's calendar date
    assert store_today(store=store, now=now) == today
    assert store_date_of(store=store, moment=now) == today


def test_store_today_without_an_instant_reads_the_current_time(monkeypatch):
    # given it is 11:30 UTC on 3 December 2026
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 3, 11, 30, tzinfo=dt.UTC))

    # when Auckland's today is asked for
    # then it is the 4th
    assert store_today(store=AUCKLAND) == dt.date(2026, 12, 4)


def test_zone_today_is_the_date_in_a_zone_without_a_store(monkeypatch):
    # given it is 04:30 UTC on 13 January 2026
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 1, 13, 4, 30, tzinfo=dt.UTC))

    # when today is asked for in New York, Auckland and UTC (with and without an instant)
    # then each zone's own calendar date
    assert zone_today(NEW_YORK.tzinfo) == dt.date(2026, 1, 12)
    assert zone_today(AUCKLAND.tzinfo) == dt.date(2026, 1, 13)
    assert zone_today(dt.UTC, now=dt.datetime(2026, 12, 3, 23, 59, tzinfo=dt.UTC)) == dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("wall", "utc"),
    [
        (dt.datetime(2026, 1, 15, 9, 0), dt.datetime(2026, 1, 15, 14, 0, tzinfo=dt.UTC)),
        (dt.datetime(2026, 7, 15, 9, 0), dt.datetime(2026, 7, 15, 13, 0, tzinfo=dt.UTC)),
        (dt.datetime(2026, 3, 8, 1, 59), dt.datetime(2026, 3, 8, 6, 59, tzinfo=dt.UTC)),
        (dt.datetime(2026, 3, 8, 3, 0), dt.datetime(2026, 3, 8, 7, 0, tzinfo=dt.UTC)),
        (dt.datetime(2026, 11, 1, 0, 59), dt.datetime(2026, 11, 1, 4, 59, tzinfo=dt.UTC)),
        (dt.datetime(2026, 11, 1, 2, 0), dt.datetime(2026, 11, 1, 7, 0, tzinfo=dt.UTC)),
    ],
    ids=[
        "09:00 in winter is 14:00 UTC",
        "09:00 in summer is 13:00 UTC",
        "the last minute before the jump is EST",
        "the first minute after the jump is EDT",
        "the last minute before the repeated hour is EDT",
        "the first minute after the repeated hour is EST",
    ],
)
def test_a_store_wall_clock_time_reads_as_its_one_utc_instant(wall, utc):
    # given a wall-clock time in New York that exists once
    # when it is read as the store's time
    # then it is that UTC instant
    assert store_local_to_utc(store=NEW_YORK, wall=wall) == utc


def test_a_wall_clock_time_in_the_spring_forward_gap_is_refused_with_what_to_choose():
    # given 02:30 on 8 March 2026, which New York's clocks skip
    # when it is read as the store's time
    with pytest.raises(NonexistentLocalTime) as error:
        store_local_to_utc(store=NEW_YORK, wall=dt.datetime(2026, 3, 8, 2, 30))

    # then the refusal says so and offers the time an hour on
    assert str(error.value) == (
        "02:30 on Sun 8 Mar 2026 does not exist in America/New_York: the clocks go forward at that hour. "
        "Choose a time outside the skipped hour, such as 03:30."
    )


def test_a_wall_clock_time_in_the_repeated_hour_is_refused_with_both_readings():
    # given 01:30 on 1 November 2026, which New York's clocks pass twice
    # when it is read as the store's time
    with pytest.raises(AmbiguousLocalTime) as error:
        store_local_to_utc(store=NEW_YORK, wall=dt.datetime(2026, 11, 1, 1, 30))

    # then the refusal names both readings
    assert str(error.value) == (
        "01:30 on Sun 1 Nov 2026 happens twice in America/New_York: the clocks go back that night, so it is "
        "first 01:30 EDT and then 01:30 EST. Choose a time outside the repeated hour."
    )


def test_a_task_renders_times_in_the_store_zone_inside_store_timezone():
    # given an instant and a store in Auckland
    moment = dt.datetime(2026, 12, 3, 19, 0, tzinfo=dt.UTC)

    # when it is shown as local time inside and after store_timezone
    with store_timezone(AUCKLAND):
        inside = timezone.localtime(moment)
    after = timezone.localtime(moment)

    # then it is Auckland's 08:00 on the 4th inside, and the server's zone again after
    assert (inside.date(), inside.hour) == (dt.date(2026, 12, 4), 8)
    assert (after.date(), after.hour) == (dt.date(2026, 12, 3), 19)


@pytest.fixture
def two_store_client(client, db):
    """An owner of a New York store (the session's current one) and of an Auckland store, each created at
    20:00 UTC on 3 December 2026: the 3rd in New York, 09:00 on the 4th in Auckland."""
    user = UserFactory(email="owner@kiwi.test")
    for name, slug, zone in [("Acme Apparel", "acme", "America/New_York"), ("Kiwi Knits", "kiwi", "Pacific/Auckland")]:
        MembershipFactory(store=StoreFactory(name=name, slug=slug, timezone=zone), user=user)
    Store.objects.update(created_at=dt.datetime(2026, 12, 3, 20, 0, tzinfo=dt.UTC))
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_page_shows_dates_in_its_store_zone_and_the_zone_ends_with_the_request(two_store_client):
    # given an owner of a New York and an Auckland store, the New York one current
    # when each store's settings page is opened
    acme = two_store_client.get("/stores/acme/settings/").content.decode()
    kiwi = two_store_client.get("/stores/kiwi/settings/").content.decode()

    # then each creation date is that store's, and the server's zone is back once the request is over
    assert "created 3 Dec 2026" in acme
    assert "created 4 Dec 2026" in kiwi
    assert timezone.get_current_timezone_name() == "UTC"


@pytest.mark.django_db
def test_a_store_page_after_the_url_store_switch_uses_the_new_store_zone(two_store_client):
    # given the owner opened the Auckland store (it became the current one)
    two_store_client.get("/stores/kiwi/settings/")

    # when a page without a store in its URL is opened
    body = two_store_client.get("/social/").content.decode()

    # then it is in Auckland's zone
    assert "times in Pacific/Auckland" in body


@pytest.mark.django_db
def test_saving_a_new_zone_shows_the_panel_in_that_zone_at_once(two_store_client):
    # given the Auckland store, created on the 4th there
    # when its owner moves it to New York from the settings panel (htmx)
    response = two_store_client.post(
        "/stores/kiwi/settings/",
        {"name": "Kiwi Knits", "currency": "USD", "timezone": "America/New_York", "storefront_domain": ""},
        HTTP_HX_REQUEST="true",
    )

    # then the panel answering the save already shows New York's date
    assert response.status_code == 200
    assert Store.objects.get(slug="kiwi").timezone == "America/New_York"
    assert "created 3 Dec 2026" in response.content.decode()


@pytest.mark.django_db
def test_an_anonymous_request_runs_no_query_to_find_a_zone(client, django_assert_num_queries):
    # given no one signed in
    # when the login page is opened
    with django_assert_num_queries(0):
        response = client.get("/accounts/login/")

    # then it renders without a membership look-up
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_hub_and_the_ads_pages_show_times_in_the_store_zone(owner_client, store):
    # given a New York store with a post scheduled for 23:30 on Tuesday 12 January 2027 (04:30 UTC on the 13th)
    # and an ad rule last run at 14:05 UTC on 15 January 2027 (09:05 in New York)
    SocialPostFactory(
        store=store, status=PostStatus.SCHEDULED, scheduled_at=dt.datetime(2027, 1, 13, 4, 30, tzinfo=dt.UTC)
    )
    AdRule.objects.create(
        store=store,
        name="Pause losers",
        metric=RuleMetric.ROAS,
        operator=RuleOperator.LT,
        threshold="1.5",
        action=RuleAction.PAUSE,
        last_run_at=dt.datetime(2027, 1, 15, 14, 5, tzinfo=dt.UTC),
    )

    # when the hub's Social tab and the rules page are opened
    hub = owner_client.get("/hub/social/").content.decode()
    rules = owner_client.get("/ads/rules/").content.decode()

    # then both show New York's wall clock
    assert "Tue 12 Jan 23:30 · X" in hub
    assert "2027-01-15 09:05" in rules
