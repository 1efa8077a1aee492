"""Forms of the social pages: plan a calendar, compose or edit a post."""

import datetime as dt

from django import forms
from django.utils import timezone

from platforms.constants import PLATFORM_NAMES, SOCIAL_PLATFORMS
from social.bounds import date_bounds, range_message, wall_date
from social.models import (
    CAPTION_MAX_LENGTH,
    LINK_MAX_LENGTH,
    MEDIA_URL_MAX_LENGTH,
    MEDIA_URLS_MAX_COUNT,
    TITLE_MAX_LENGTH,
    MediaKind,
    media_urls_problems,
)
from social.services.planning import MAX_DAYS, MAX_POSTS_PER_DAY
from stores.clock import StoreDateTimeField, zone_today

PLATFORM_CHOICES = [(p, PLATFORM_NAMES[p]) for p in SOCIAL_PLATFORMS]


def _in_range(day: dt.date | None, *, what: str) -> None:
    """Refuse a date outside two years either side of today in the active zone (the store's, on every page);
    the services check again with the store, so the form only keeps the wildest values from reaching them."""
    zone = timezone.get_current_timezone()
    low, high = date_bounds(today=zone_today(zone))
    if day is None or not low <= day <= high:
        raise forms.ValidationError(range_message(what=what, low=low, high=high, zone=zone), code="out_of_range")


# The product choice that asks the planner to pick the store's best sellers in stock.
FROM_CATALOGUE = 0


class CalendarForm(forms.Form):
    product = forms.TypedChoiceField(
        coerce=int,
        label="Product",
        help_text="Or let the planner spread the calendar over your best sellers in stock (up to 3).",
    )
    days = forms.IntegerField(min_value=1, max_value=MAX_DAYS, initial=7)
    posts_per_day = forms.IntegerField(min_value=1, max_value=MAX_POSTS_PER_DAY, initial=1, label="Posts per day")
    platforms = forms.MultipleChoiceField(choices=PLATFORM_CHOICES, widget=forms.CheckboxSelectMultiple)
    start_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, products: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[int, str]] = [(FROM_CATALOGUE, "Best sellers in stock, chosen for me"), *products]
        self.fields["product"].choices = choices
        self.fields["product"].initial = FROM_CATALOGUE

    def clean_start_date(self) -> dt.date | None:
        start = self.cleaned_data.get("start_date")
        if start is not None:
            _in_range(start, what="The start date")
        return start


class PostForm(forms.Form):
    platform = forms.ChoiceField(choices=PLATFORM_CHOICES)
    title = forms.CharField(required=False, max_length=TITLE_MAX_LENGTH, help_text="Pinterest only")
    caption = forms.CharField(
        max_length=CAPTION_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6, "data-counter": "caption"})
    )
    media_kind = forms.ChoiceField(choices=MediaKind.choices, initial=MediaKind.IMAGE)
    media_urls = forms.CharField(
        max_length=MEDIA_URLS_MAX_COUNT * (MEDIA_URL_MAX_LENGTH + 2),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One image or video URL per line.",
    )
    link = forms.URLField(required=False, max_length=LINK_MAX_LENGTH, assume_scheme="https")
    scheduled_at = StoreDateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), help_text="Your store's time."
    )

    def clean_media_urls(self) -> list[str]:
        urls = [line.strip() for line in self.cleaned_data["media_urls"].splitlines() if line.strip()]
        if problems := media_urls_problems(urls):
            raise forms.ValidationError(" ".join(problems), code="invalid_media_urls")
        return urls

    def clean_scheduled_at(self) -> dt.datetime | None:
        scheduled_at = self.cleaned_data.get("scheduled_at")
        if scheduled_at is not None:
            _in_range(wall_date(scheduled_at, timezone.get_current_timezone()), what="The publishing time")
        return scheduled_at
