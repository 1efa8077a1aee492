"""The social pages keep the store's clock: composed, shown and grouped by day in the store's time zone."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone

from platforms.constants import X
from social.models import PostStatus, SocialPost
from tests.factories import MembershipFactory, StoreFactory, UserFactory
from tests.platform_fixtures import connect_store
from tests.social.factories import SocialPostFactory

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
AUCKLAND = zoneinfo.ZoneInfo("Pacific/Auckland")


def _compose(client, scheduled_at: str):
    return client.post(
        "/social/compose/",
        {
            "platform": X,
            "caption": "Fresh socks for the trail",
            "media_kind": "image",
            "media_urls": "https://shop.example.com/a.jpg",
            "scheduled_at": scheduled_at,
        },
    )


def _day_cell(body: str, label: str) -> str:
    """The calendar cell whose day number reads ``label`` (e.g. "1 Nov")."""
    match = re.search(rf'<td class="[^"]*">\s*<div class="daynum">{label}</div>(.*?)</td>', body, re.S)
    assert match, f"no calendar cell for {label}"
    return match.group(1)


def _times(cell: str) -> list[str]:
    return re.findall(r'<span class="time">([^<]*)</span>', cell)


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        ("2027-01-15T09:00", dt.datetime(2027, 1, 15, 14, 0, tzinfo=dt.UTC)),
        ("2027-07-15T09:00", dt.datetime(2027, 7, 15, 13, 0, tzinfo=dt.UTC)),
    ],
    ids=["in winter 09:00 is 14:00 UTC", "in summer 09:00 is 13:00 UTC"],
)
def test_a_post_composed_for_nine_shows_nine_on_its_page_and_in_the_calendar(owner_client, store, local, utc):
    # given a store in America/New_York, connected to X
    assert store.timezone == "America/New_York"
    connect_store(store, X, scopes=["tweet.write"])

    # when a post is composed for 09:00 store time
    response = _compose(owner_client, local)

    # then it is stored as the UTC instant of 09:00 New York time
    post = SocialPost.objects.get()
    assert response.status_code == 302
    assert post.scheduled_at == utc

    # and its page and the calendar week show 09:00, not the UTC hour
    page = owner_client.get(f"/social/posts/{post.pk}/").content.decode()
    day = dt.date.fromisoformat(local[:10])
    assert f"<dd>{day:%a} {day.day} {day:%b %Y}, 09:00</dd>" in page
    calendar = owner_client.get(f"/social/?date={day.isoformat()}").content.decode()
    assert _times(_day_cell(calendar, f"{day.day} {day:%b}")) == ["09:00"]


def test_editing_a_post_shows_its_time_in_the_store_time_zone(owner_client, store):
    # given a post at 14:00 UTC on a winter day (09:00 in New York)
    post = SocialPostFactory(store=store, scheduled_at=dt.datetime(2027, 1, 15, 14, 0, tzinfo=dt.UTC))

    # when its edit form is opened
    body = owner_client.get(f"/social/posts/{post.pk}/edit/").content.decode()

    # then the time field holds 09:00
    assert 'value="2027-01-15 09:00:00"' in body


def test_a_time_the_clocks_skip_is_refused_with_a_clear_message_and_nothing_saved(owner_client, store):
    # given a store in America/New_York, whose clocks jump from 02:00 to 03:00 on 14 March 2027, connected to X
    connect_store(store, X, scopes=["tweet.write"])
    # when a post is composed for 02:30 that night
    response = _compose(owner_client, "2027-03-14T02:30")

    # then the form says the time does not exist, and no post was saved
    body = response.content.decode()
    assert response.status_code == 400
    assert "02:30 on Sun 14 Mar 2027 does not exist in America/New_York" in body
    assert "such as 03:30" in body
    assert SocialPost.objects.count() == 0


def test_a_time_the_clocks_pass_twice_is_refused_with_both_readings_and_nothing_saved(owner_client, store):
    # given a store in America/New_York, whose clocks go back from 02:00 to 01:00 on 7 November 2027, connected to X
    connect_store(store, X, scopes=["tweet.write"])
    # when a post is composed for 01:30 that night
    response = _compose(owner_client, "2027-11-07T01:30")

    # then the form names both readings of 01:30 and asks for another time, and no post was saved
    body = response.content.decode()
    assert response.status_code == 400
    assert "01:30 on Sun 7 Nov 2027 happens twice in America/New_York" in body
    assert "first 01:30 EDT and then 01:30 EST" in body
    assert SocialPost.objects.count() == 0


def test_an_unchanged_time_in_the_repeated_hour_keeps_its_instant_when_the_post_is_edited(owner_client, store):
    # given a post of a store connected to X at the second 01:30 of 7 November 2027 (01:30 EST = 06:30 UTC)
    connect_store(store, X, scopes=["tweet.write"])
    second = dt.datetime(2027, 11, 7, 6, 30, tzinfo=dt.UTC)
    post = SocialPostFactory(store=store, status=PostStatus.SCHEDULED, scheduled_at=second)

    # when its caption is edited and the time sent back as the form showed it
    response = owner_client.post(
        f"/social/posts/{post.pk}/edit/",
        {
            "caption": "New caption",
            "media_kind": "image",
            "media_urls": "https://shop.example.com/a.jpg",
            "scheduled_at": "2027-11-07 01:30:00",
        },
    )

    # then the caption changed and the post kept its instant
    post.refresh_from_db()
    assert response.status_code == 302
    assert post.caption == "New caption"
    assert post.scheduled_at == second


def test_posts_around_both_dst_changes_show_their_store_times_on_their_days(owner_client, store):
    # given posts either side of New York's 2026 changes (8 March spring forward, 1 November fall back)
    for at in [
        dt.datetime(2026, 3, 8, 6, 30, tzinfo=dt.UTC),  # 01:30 EST, before the jump
        dt.datetime(2026, 3, 8, 7, 30, tzinfo=dt.UTC),  # 03:30 EDT, after it
        dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC),  # the first 01:30 (EDT)
        dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC),  # the second 01:30 (EST)
    ]:
        SocialPostFactory(store=store, status=PostStatus.PUBLISHED, scheduled_at=at)

    # when the weeks of both changes are opened
    march = owner_client.get("/social/?date=2026-03-08").content.decode()
    november = owner_client.get("/social/?date=2026-11-01").content.decode()

    # then each day shows its posts at the store's wall-clock times
    assert _times(_day_cell(march, "8 Mar")) == ["01:30", "03:30"]
    assert _times(_day_cell(november, "1 Nov")) == ["01:30", "01:30"]
    assert _times(_day_cell(november, "31 Oct")) == []


def test_a_late_post_lands_in_its_store_day_not_the_next_utc_day(owner_client, store):
    # given a post at 23:30 New York time on Tuesday 12 January 2027 (04:30 UTC on the 13th)
    SocialPostFactory(
        store=store, status=PostStatus.SCHEDULED, scheduled_at=dt.datetime(2027, 1, 13, 4, 30, tzinfo=dt.UTC)
    )

    # when that week's calendar is opened
    body = owner_client.get("/social/?date=2027-01-12").content.decode()

    # then the post shows at 23:30 on the 12th, and the 13th is empty
    assert _times(_day_cell(body, "12 Jan")) == ["23:30"]
    assert _times(_day_cell(body, "13 Jan")) == []


@pytest.fixture
def auckland_client(client):
    """A signed-in owner of a store in Pacific/Auckland (UTC+13 in December)."""
    store = StoreFactory(name="Kiwi Knits", slug="kiwi", timezone="Pacific/Auckland")
    user = UserFactory(email="owner@kiwi.test")
    MembershipFactory(store=store, user=user)
    client.force_login(user)
    client.store = store
    return client


def test_a_store_far_from_utc_sees_its_own_today_and_day_columns(auckland_client, monkeypatch):
    # given it is 11:30 UTC on 3 December 2026: already 00:30 on 4 December in Auckland
    now = dt.datetime(2026, 12, 3, 11, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    # and a post at 08:00 on 4 December Auckland time (19:00 UTC on the 3rd)
    SocialPostFactory(
        store=auckland_client.store,
        status=PostStatus.SCHEDULED,
        scheduled_at=dt.datetime(2026, 12, 4, 8, 0, tzinfo=AUCKLAND),
    )

    # when the calendar opens without a date
    body = auckland_client.get("/social/").content.decode()

    # then "today" is the 4th, and the post shows there at 08:00
    assert re.search(r'<td class=" today">\s*<div class="daynum">4 Dec</div>', body)
    assert _times(_day_cell(body, "4 Dec")) == ["08:00"]
    assert _times(_day_cell(body, "3 Dec")) == []
    assert "times in Pacific/Auckland" in body
