"""The store's clock: its "now", its "today", the UTC bounds of its days, and reading a wall-clock time it typed.

Datetimes are stored and compared in UTC; a store's days and wall-clock times are in ``Store.timezone``. Every
page runs with the store's zone activated (``stores.timezone_middleware``), so templates and form fields show and
read times in it; services and tasks, which have no request, ask these helpers with the store explicitly.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from stores.models import Store


class LocalTimeError(ValueError):
    """A wall-clock time that does not name exactly one instant in a zone (a daylight-saving change)."""


class NonexistentLocalTime(LocalTimeError):
    """The clocks jump over this wall-clock time (spring forward): no instant has it."""


class AmbiguousLocalTime(LocalTimeError):
    """The clocks pass this wall-clock time twice (fall back): two instants have it."""


def store_now(*, store: Store, now: dt.datetime | None = None) -> dt.datetime:
    """The current instant (or ``now``) as the store's wall clock shows it."""
    return (now or timezone.now()).astimezone(store.tzinfo)


def zone_today(zone: dt.tzinfo, *, now: dt.datetime | None = None) -> dt.date:
    """The calendar date in ``zone`` at the current instant (or at ``now``); ``store_today`` for a store's zone."""
    return (now or timezone.now()).astimezone(zone).date()


def store_today(*, store: Store, now: dt.datetime | None = None) -> dt.date:
    """The store's calendar date at the current instant (or at ``now``)."""
    return zone_today(store.tzinfo, now=now)


def store_date_of(*, store: Store, moment: dt.datetime) -> dt.date:
    """The store's calendar date of an aware instant: a post at 23:30 store time is on that day, whatever UTC says."""
    return moment.astimezone(store.tzinfo).date()


def _day_start(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    # fold=0 is the first instant of the day: when midnight falls in a spring-forward gap it resolves to the
    # end of the gap, when midnight repeats it is the first midnight.
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


def store_day_bounds(*, store: Store, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants ``[start, end)`` of the store's calendar day: 23, 24 or 25 hours long."""
    return _day_start(day, store.tzinfo), _day_start(day + dt.timedelta(days=1), store.tzinfo)


def store_days_bounds(*, store: Store, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants ``[start, end)`` from the start of the store's day ``first`` to the end of ``last``."""
    return _day_start(first, store.tzinfo), _day_start(last + dt.timedelta(days=1), store.tzinfo)


def local_to_aware(*, wall: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The one instant a naive wall-clock time names in ``zone``.

    Raises NonexistentLocalTime for a time the clocks skip and AmbiguousLocalTime for one they pass twice, each
    with a message a merchant can act on, rather than guessing which instant was meant.
    """
    first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    when = f"{wall:%H:%M} on {wall:%a} {wall.day} {wall:%b %Y}"
    round_trip = first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != wall:
        raise NonexistentLocalTime(
            f"{when} does not exist in {zone}: the clocks go forward at that hour. "
            f"Choose a time outside the skipped hour, such as {round_trip:%H:%M}."
        )
    raise AmbiguousLocalTime(
        f"{when} happens twice in {zone}: the clocks go back that night, so it is first {wall:%H:%M} "
        f"{first.tzname()} and then {wall:%H:%M} {second.tzname()}. Choose a time outside the repeated hour."
    )


def store_local_to_utc(*, store: Store, wall: dt.datetime) -> dt.datetime:
    """A wall-clock time of the store (naive) as a UTC instant; see ``local_to_aware`` for the DST refusals."""
    return local_to_aware(wall=wall, zone=store.tzinfo).astimezone(dt.UTC)


@contextmanager
def store_timezone(store: Store) -> Iterator[zoneinfo.ZoneInfo]:
    """Activate the store's zone for a task that renders or parses times outside a request."""
    zone = store.tzinfo
    with timezone.override(zone):
        yield zone


class StoreDateTimeField(forms.DateTimeField):
    """A datetime field that reads a naive entry in the active zone (the store's) and refuses DST gaps and repeats.

    Django's own field refuses both with one vague message; this one says what happened and what to choose.
    ``keep`` is the value the form was opened with (an aware instant): sending it back unchanged keeps that instant
    even when its wall-clock time is one of the repeated hour.
    """

    def __init__(self, *, keep: dt.datetime | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.keep = keep

    def to_python(self, value: object) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            wall = value
        elif isinstance(value, dt.date):
            wall = dt.datetime.combine(value, dt.time())  # a wall-clock midnight, read in the zone below
        else:
            try:
                wall = parse_datetime(str(value).strip())
            except ValueError as exc:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
            if wall is None:
                wall = forms.BaseTemporalField.to_python(self, value)
        if timezone.is_aware(wall):
            return wall
        zone = timezone.get_current_timezone()
        try:
            return local_to_aware(wall=wall, zone=zone)
        except AmbiguousLocalTime as exc:
            if self.keep is not None and timezone.make_naive(self.keep, zone).replace(fold=0) == wall:
                return self.keep
            raise ValidationError(str(exc), code="ambiguous_time") from exc
        except NonexistentLocalTime as exc:
            raise ValidationError(str(exc), code="nonexistent_time") from exc
