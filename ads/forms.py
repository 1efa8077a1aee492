"""Forms of the ads pages: they parse input; the services decide."""

from decimal import Decimal

from django import forms

from ads.models import Objective, RuleAction, RuleMetric, RuleOperator
from platforms.constants import AD_PLATFORMS, PLATFORM_NAMES


class MoneyField(forms.DecimalField):
    """A major-unit amount (``50.00``) cleaned to minor units (``5000``)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_digits=12, decimal_places=2, min_value=Decimal("0"), **kwargs)

    def clean(self, value: object) -> int | None:  # type: ignore[override]
        amount = super().clean(value)
        return None if amount is None else int(amount * 100)


class CampaignForm(forms.Form):
    platform = forms.ChoiceField(choices=[(p, PLATFORM_NAMES[p]) for p in AD_PLATFORMS])
    name = forms.CharField(max_length=150)
    objective = forms.ChoiceField(choices=Objective.choices)
    daily_budget = MoneyField(label="Daily budget")
    activate = forms.BooleanField(required=False, label="Start delivering once created")
    last_day = forms.DateField(
        required=False, label="Last day", help_text="Optional: it stops by itself after this day (YYYY-MM-DD)."
    )
    link_url = forms.URLField(label="Landing page", max_length=2000, assume_scheme="https")
    headlines = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="One per line (Google needs 3).")
    descriptions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="One per line (Google needs 2)."
    )
    primary_text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    image_url = forms.URLField(required=False, max_length=2000, assume_scheme="https")
    video_id = forms.CharField(required=False, max_length=64, help_text="TikTok needs a video id.")

    def lines(self, name: str) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get(name, "").splitlines() if line.strip()]


class BudgetForm(forms.Form):
    daily_budget = MoneyField()


class RuleForm(forms.Form):
    name = forms.CharField(max_length=120)
    platform = forms.ChoiceField(choices=[("", "All platforms")] + [(p, PLATFORM_NAMES[p]) for p in AD_PLATFORMS])
    platform.required = False
    metric = forms.ChoiceField(choices=RuleMetric.choices)
    operator = forms.ChoiceField(choices=RuleOperator.choices)
    threshold = forms.DecimalField(max_digits=14, decimal_places=4, help_text="Money in major units, CTR in %.")
    window_days = forms.IntegerField(min_value=1, max_value=90, initial=7)
    min_spend = MoneyField(label="Only with spend of at least", initial=Decimal("50"))
    action = forms.ChoiceField(choices=RuleAction.choices)
    change_percent = forms.IntegerField(min_value=0, max_value=100, initial=0, required=False)
    cooldown_hours = forms.IntegerField(min_value=0, initial=24)


class AdSettingsForm(forms.Form):
    daily_spend_cap = MoneyField(label="Daily spend cap (all active campaigns)")
    max_campaign_daily_budget = MoneyField(label="Per-campaign daily maximum")
    meta_page_id = forms.CharField(required=False, max_length=64, label="Facebook page id")
    meta_pixel_id = forms.CharField(required=False, max_length=64, label="Meta pixel id")
    tiktok_pixel_id = forms.CharField(required=False, max_length=64, label="TikTok pixel code")
