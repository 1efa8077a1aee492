"""The bounds of what a merchant may send the social pages and API: dates, times, page numbers and text sizes.

Dates and times are accepted from two years before to two years after the store's today, in the store's time
zone (``Store.timezone``): far enough for any plan or look back, near enough that no date arithmetic overflows.
Each refusal is an ``ApplicationError`` that names the range, so the page or API answers 4xx and changes nothing.
"""

import datetime as dt

from django.utils import timezone

from stores.clock import store_today
from stores.exceptions import ApplicationError
from stores.models import Store

# Dates and times: this many years either side of the store's today.
RANGE_YEARS = 2
# A time a merchant typed to the minute may be a few seconds gone by the time it is saved.
PAST_GRACE = dt.timedelta(minutes=1)
# Page numbers of HTML lists: past this the offset means nothing for any store (and could overflow the database).
MAX_PAGE = 10_000


class OutOfRange(ApplicationError):
    """A date, time or page a merchant asked for is outside what the pages and API accept."""


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def date_bounds(*, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last dates accepted: two years either side of ``today`` (the store's, ``stores.clock``)."""
    return _shift_years(today, -RANGE_YEARS), _shift_years(today, RANGE_YEARS)


def range_message(*, what: str, low: dt.date, high: dt.date, zone: dt.tzinfo) -> str:
    return f"{what} must be between {low.isoformat()} and {high.isoformat()} ({zone} time)."


def date_check(*, store: Store, value: dt.date, what: str, earliest: dt.date | None = None) -> dt.date:
    """``value`` if it lies within the accepted range (from ``earliest`` when later); else OutOfRange naming it."""
    zone = store.tzinfo
    low, high = date_bounds(today=store_today(store=store))
    low = max(low, earliest) if earliest is not None else low
    if not low <= value <= high:
        raise OutOfRange(range_message(what=what, low=low, high=high, zone=zone), code="date_out_of_range")
    return value


def wall_date(value: dt.datetime, zone: dt.tzinfo) -> dt.date | None:
    """The date of ``value`` on the wall clock of ``zone``; None when that date is not representable."""
    try:
        return value.astimezone(zone).date()
    except OverflowError:
        return None


def schedule_check(*, store: Store, scheduled_at: dt.datetime) -> dt.datetime:
    """Refuse a publishing time in the past (more than a minute ago) or past two years ahead, in the store's zone.

    The one check every path that lets a merchant choose a post's time goes through (the composer, the post's
    edit page, the API); a time the system chooses (publish now, a retry) does not come here.
    """
    zone = store.tzinfo
    now = timezone.now()
    if scheduled_at < now - PAST_GRACE:  # aware datetimes compare without converting, so this cannot overflow
        shown = now.astimezone(zone)
        raise OutOfRange(
            f"A post cannot be scheduled in the past: choose a time after {shown:%Y-%m-%d %H:%M} ({zone} time).",
            code="scheduled_in_past",
        )
    _, high = date_bounds(today=store_today(store=store, now=now))
    day = wall_date(scheduled_at, zone)
    if day is None or day > high:
        raise OutOfRange(
            f"A post can be scheduled up to {high.isoformat()} ({zone} time), two years ahead.",
            code="date_out_of_range",
        )
    return scheduled_at


def page_number(raw: str | None) -> int:
    """The page a list was asked for: 1 when absent; a 400 naming the range when it is not 1 to MAX_PAGE."""
    if raw is None or raw == "":
        return 1
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_PAGE)) or not 1 <= int(text) <= MAX_PAGE:
        raise OutOfRange(f"The page must be a whole number from 1 to {MAX_PAGE:,}.", code="invalid_page")
    return int(text)
