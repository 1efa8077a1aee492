"""Forms of the ads pages: they parse input; the services decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import DecimalValidator, MaxValueValidator

from ads.models import (
    MONEY_MAX_MINOR,
    RULE_CHANGE_PERCENT_MAX,
    RULE_COOLDOWN_HOURS_MAX,
    RULE_THRESHOLD_MAX,
    RULE_WINDOW_DAYS_MAX,
    Objective,
    RuleAction,
    RuleMetric,
    RuleOperator,
)
from ads.selectors import ID_MAX
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


PREVIEW_FIELDS = ("platform", "product", "objective", "video_id")


class CreativePreviewForm(forms.Form):
    """What the campaign form's preview reads from the query: a product, an ad platform, the objective, a video."""

    platform = forms.ChoiceField(choices=[(p, PLATFORM_NAMES[p]) for p in AD_PLATFORMS])
    # Any id: the view looks it up in the store, so another store's product is not found (404).
    product = forms.IntegerField(min_value=1, max_value=ID_MAX)
    objective = forms.ChoiceField(choices=Objective.choices, required=False)
    video_id = forms.CharField(required=False, max_length=64)


class CampaignForm(MoneyForm):
    platform = forms.ChoiceField(choices=[(p, PLATFORM_NAMES[p]) for p in AD_PLATFORMS])
    name = forms.CharField(max_length=150)
    objective = forms.ChoiceField(choices=Objective.choices)
    daily_budget = MoneyField(label="Daily budget")
    activate = forms.BooleanField(required=False, label="Start delivering once created")
    last_day = forms.DateField(
        required=False, label="Last day", help_text="Optional: it stops by itself after this day (YYYY-MM-DD)."
    )
    product = forms.TypedChoiceField(
        coerce=int,
        label="Product",
        help_text="The ad is written from it: title, price, image and its page as the link.",
    )
    video_id = forms.CharField(required=False, max_length=64, help_text="TikTok needs a video id.")

    def __init__(
        self, *args: object, store: Store, products: list[tuple[int, str]], preview_url: str, **kwargs: object
    ) -> None:
        super().__init__(*args, currency=store.currency, **kwargs)
        self.store = store
        product_field = self.fields["product"]
        assert isinstance(product_field, forms.TypedChoiceField)  # declared above; narrows the type for mypy
        product_field.choices = products
        # Picking a product or platform, or giving a video id, re-renders the preview of the written ad.
        preview = {
            "hx-get": preview_url,
            "hx-target": "#creative-preview",
            "hx-swap": "outerHTML",
            "hx-include": "[name=product], [name=platform], [name=objective], [name=video_id]",
        }
        for name in PREVIEW_FIELDS:
            self.fields[name].widget.attrs.update(preview)
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
