"""Pinterest's analytics dates are UTC days (spec 5.23.0: "Metric report start date (UTC) ... Cannot be more than
90 days back from today", end date "Cannot be more than 90 days past start_date"): the range asked for is built
from the UTC day, whatever zone the hub or the merchant is in, so it is valid when Pinterest reads it."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from platforms.pinterest.content import PinterestContent

# 23:30 UTC on 15 June: already 16 June in Kiritimati (UTC+14), still 15 June in Los Angeles.
LATE_UTC = dt.datetime(2026, 6, 15, 23, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "America/Los_Angeles", "UTC"])
def test_pin_analytics_ask_for_utc_days_within_the_window_pinterest_serves(monkeypatch, settings, zone):
    # given the hub running in another zone, late in the UTC day
    settings.TIME_ZONE = zone
    monkeypatch.setattr(timezone, "now", lambda: LATE_UTC)
    client = PinterestContent(access_token="tok", account_id="user")
    asked: list[dict] = []
    monkeypatch.setattr(client, "call", lambda method, path, params=None, **kw: asked.append(params) or {})

    # when a pin's metrics are read with the zone active
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        client.metrics(["813"])

    # then the range ends on the UTC day (never Pinterest's tomorrow) and starts within its 90-day look-back
    start, end = dt.date.fromisoformat(asked[0]["start_date"]), dt.date.fromisoformat(asked[0]["end_date"])
    assert end == dt.date(2026, 6, 15)
    assert 0 <= (end - start).days <= 90
    assert (LATE_UTC.date() - start).days <= 90
