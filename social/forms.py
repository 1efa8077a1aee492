"""Forms of the social pages: plan a calendar, compose or edit a post."""

import datetime as dt

from django import forms

from platforms.constants import PLATFORM_NAMES, SOCIAL_PLATFORMS
from social.models import MediaKind
from social.services.planning import MAX_DAYS, MAX_POSTS_PER_DAY
from stores.clock import StoreDateTimeField

PLATFORM_CHOICES = [(p, PLATFORM_NAMES[p]) for p in SOCIAL_PLATFORMS]


class CalendarForm(forms.Form):
    product = forms.TypedChoiceField(coerce=int, label="Product")
    days = forms.IntegerField(min_value=1, max_value=MAX_DAYS, initial=7)
    posts_per_day = forms.IntegerField(min_value=1, max_value=MAX_POSTS_PER_DAY, initial=1, label="Posts per day")
    platforms = forms.MultipleChoiceField(choices=PLATFORM_CHOICES, widget=forms.CheckboxSelectMultiple)
    start_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, products: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = products


class PostForm(forms.Form):
    platform = forms.ChoiceField(choices=PLATFORM_CHOICES)
    title = forms.CharField(required=False, max_length=100, help_text="Pinterest only")
    caption = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "data-counter": "caption"}))
    media_kind = forms.ChoiceField(choices=MediaKind.choices, initial=MediaKind.IMAGE)
    media_urls = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="One image or video URL per line.")
    link = forms.URLField(required=False, max_length=1000, assume_scheme="https")
    scheduled_at = StoreDateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), help_text="Your store's time."
    )

    def clean_media_urls(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["media_urls"].splitlines() if line.strip()]

    def clean_scheduled_at(self) -> dt.datetime | None:
        return self.cleaned_data.get("scheduled_at")
