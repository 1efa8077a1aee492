"""Forms of the ads pages: they parse input; the services decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import DecimalValidator, MaxValueValidator

from ads.models import (
    CREATIVE_DESCRIPTION_MAX_LENGTH,
    CREATIVE_DESCRIPTIONS_MAX,
    CREATIVE_HEADLINE_MAX_LENGTH,
    CREATIVE_HEADLINES_MAX,
    CREATIVE_PRIMARY_TEXT_MAX_LENGTH,
    MONEY_MAX_MINOR,
    RULE_CHANGE_PERCENT_MAX,
    RULE_COOLDOWN_HOURS_MAX,
    RULE_THRESHOLD_MAX,
    RULE_WINDOW_DAYS_MAX,
    URL_MAX_LENGTH,
    Objective,
    RuleAction,
    RuleMetric,
    RuleOperator,
)
from ads.services.creation import last_day_range
from platforms.constants import AD_PLATFORMS, PLATFORM_NAMES
from stores.models import Store
from stores.money import minor_exponent, to_major, to_minor

MAX_DIGITS = 12  # MONEY_MAX_MINOR has 11 digits, whatever the currency's decimals


class MoneyField(forms.DecimalField):
    """A major-unit amount (``50.00``) in the form's currency, cleaned to minor units (``5000``) by ``stores.money``,
    at most MONEY_MAX_MINOR. ``MoneyForm`` sets the currency (its decimals: none for JPY, three for KWD)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=Decimal("0"), **kwargs)
        self.currency = ""

    def for_currency(self, currency: str) -> None:
        self.currency = currency
        self.decimal_places = minor_exponent(currency)
        self.max_digits = MAX_DIGITS
        most = to_major(MONEY_MAX_MINOR, currency)
        # django-stubs types max_value as IntegerField's; a DecimalField's bound is a Decimal.
        self.max_value = most.to_integral_value() if most == most.to_integral_value() else most  # type: ignore[assignment]
        kept = [v for v in self.validators if not isinstance(v, DecimalValidator | MaxValueValidator)]
        self.validators = [*kept, MaxValueValidator(self.max_value), DecimalValidator(MAX_DIGITS, self.decimal_places)]
        self.widget.attrs.update(self.widget_attrs(self.widget))

    def clean(self, value: object) -> int | None:  # type: ignore[override]
        amount = super().clean(value)
        return None if amount is None else to_minor(amount, self.currency)


class MoneyForm(forms.Form):
    """A form whose ``MoneyField`` amounts are in ``currency`` (the store's)."""

    def __init__(self, *args: object, currency: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, MoneyField):
                field.for_currency(currency)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _text_lines(value: str, *, what: str, count: int, length: int) -> str:
    lines = _lines(value)
    if len(lines) > count:
        raise forms.ValidationError(f"At most {count} {what}, one per line (you gave {len(lines)}).")
    if any(len(line) > length for line in lines):
        raise forms.ValidationError(f"Each of the {what} is at most {length} characters.")
    return value


class CampaignForm(MoneyForm):
    platform = forms.ChoiceField(choices=[(p, PLATFORM_NAMES[p]) for p in AD_PLATFORMS])
    name = forms.CharField(max_length=150)
    objective = forms.ChoiceField(choices=Objective.choices)
    daily_budget = MoneyField(label="Daily budget")
    activate = forms.BooleanField(required=False, label="Start delivering once created")
    last_day = forms.DateField(
        required=False, label="Last day", help_text="Optional: it stops by itself after this day (YYYY-MM-DD)."
    )
    link_url = forms.URLField(label="Landing page", max_length=URL_MAX_LENGTH, assume_scheme="https")
    headlines = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=CREATIVE_HEADLINES_MAX * (CREATIVE_HEADLINE_MAX_LENGTH + 2),
        help_text=f"One per line (Google needs 3), at most {CREATIVE_HEADLINES_MAX} of up to "
        f"{CREATIVE_HEADLINE_MAX_LENGTH} characters.",
    )
    descriptions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=CREATIVE_DESCRIPTIONS_MAX * (CREATIVE_DESCRIPTION_MAX_LENGTH + 2),
        help_text=f"One per line (Google needs 2), at most {CREATIVE_DESCRIPTIONS_MAX} of up to "
        f"{CREATIVE_DESCRIPTION_MAX_LENGTH} characters.",
    )
    primary_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=CREATIVE_PRIMARY_TEXT_MAX_LENGTH
    )
    image_url = forms.URLField(required=False, max_length=URL_MAX_LENGTH, assume_scheme="https")
    video_id = forms.CharField(required=False, max_length=64, help_text="TikTok needs a video id.")

    def __init__(self, *args: object, store: Store, **kwargs: object) -> None:
        super().__init__(*args, currency=store.currency, **kwargs)
        self.store = store
        first, last = last_day_range(store=store)
        self.fields[
            "last_day"
        ].help_text = (
            f"Optional: it stops by itself after this day, {first.isoformat()} to {last.isoformat()} (YYYY-MM-DD)."
        )

    def clean_last_day(self):  # noqa: ANN201 - a Django clean hook
        last_day = self.cleaned_data["last_day"]
        first, last = last_day_range(store=self.store)
        if last_day is not None and not first <= last_day <= last:
            raise forms.ValidationError(
                f"Give a day from {first.isoformat()} to {last.isoformat()} (today to two years ahead)."
            )
        return last_day

    def clean_headlines(self) -> str:
        return _text_lines(
            self.cleaned_data["headlines"],
            what="headlines",
            count=CREATIVE_HEADLINES_MAX,
            length=CREATIVE_HEADLINE_MAX_LENGTH,
        )

    def clean_descriptions(self) -> str:
        return _text_lines(
            self.cleaned_data["descriptions"],
            what="descriptions",
            count=CREATIVE_DESCRIPTIONS_MAX,
            length=CREATIVE_DESCRIPTION_MAX_LENGTH,
        )

    def lines(self, name: str) -> list[str]:
        return _lines(self.cleaned_data.get(name, ""))


class BudgetForm(MoneyForm):
    daily_budget = MoneyField()


class RuleForm(MoneyForm):
    name = forms.CharField(max_length=120)
    platform = forms.ChoiceField(choices=[("", "All platforms")] + [(p, PLATFORM_NAMES[p]) for p in AD_PLATFORMS])
    platform.required = False
    metric = forms.ChoiceField(choices=RuleMetric.choices)
    operator = forms.ChoiceField(choices=RuleOperator.choices)
    threshold = forms.DecimalField(
        max_digits=14,
        decimal_places=4,
        min_value=Decimal(0),
        max_value=RULE_THRESHOLD_MAX,
        help_text="Money in major units, CTR in % (0 to 100).",
    )
    window_days = forms.IntegerField(min_value=1, max_value=RULE_WINDOW_DAYS_MAX, initial=7)
    min_spend = MoneyField(label="Only with spend of at least", initial=Decimal("50"))
    action = forms.ChoiceField(choices=RuleAction.choices)
    change_percent = forms.IntegerField(min_value=0, max_value=RULE_CHANGE_PERCENT_MAX, initial=0, required=False)
    cooldown_hours = forms.IntegerField(
        min_value=0,
        max_value=RULE_COOLDOWN_HOURS_MAX,
        initial=24,
        help_text=f"0 to {RULE_COOLDOWN_HOURS_MAX} hours ({RULE_COOLDOWN_HOURS_MAX // 24} days).",
    )


class AdSettingsForm(MoneyForm):
    daily_spend_cap = MoneyField(label="Daily spend cap (all active campaigns)")
    max_campaign_daily_budget = MoneyField(label="Per-campaign daily maximum")
    meta_page_id = forms.CharField(required=False, max_length=64, label="Facebook page id")
    meta_pixel_id = forms.CharField(required=False, max_length=64, label="Meta pixel id")
    tiktok_pixel_id = forms.CharField(required=False, max_length=64, label="TikTok pixel code")
