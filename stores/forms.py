"""Forms for the store pages. They parse input only; the rules live in stores.services."""

import zoneinfo

from django import forms

from stores.models import ProductStatus, Role
from stores.money import DEFAULT_LOCALE, LOCALE_MAX_LENGTH, locale_check

TIMEZONE_CHOICES = [(z, z) for z in sorted(zoneinfo.available_timezones())]
API_KEY_ROLE_CHOICES = [(r.value, r.label) for r in (Role.ADMIN, Role.MARKETER, Role.ANALYST)]


class StoreForm(forms.Form):
    name = forms.CharField(max_length=120)
    currency = forms.CharField(
        max_length=3, min_length=3, initial="USD", help_text="ISO 4217 code, e.g. USD, EUR, GBP."
    )
    timezone = forms.ChoiceField(
        choices=TIMEZONE_CHOICES, initial="UTC", help_text="Days in reports start at midnight here."
    )
    storefront_domain = forms.CharField(
        max_length=253, required=False, label="Storefront domain", help_text="e.g. shop.example.com"
    )
    locale = forms.CharField(
        max_length=LOCALE_MAX_LENGTH,
        initial=DEFAULT_LOCALE,
        required=False,
        label="Number format",
        help_text="How amounts are written: en_US ($1,234.50), de_DE (1.234,50 $), ja_JP, fr_FR, ...",
    )

    def clean_locale(self) -> str:
        """A locale Babel knows, or "" when left blank (a new store gets en_US, a saved one keeps its own)."""
        value = self.cleaned_data["locale"].strip()
        if not value:
            return ""
        try:
            return locale_check(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid_locale") from exc

    def make_read_only(self) -> None:
        for field in self.fields.values():
            field.disabled = True


def role_choices(*, actor_role: str) -> list[tuple[str, str]]:
    """The roles a member may hand out: only an owner can make someone an owner."""
    return [(r.value, r.label) for r in Role if r != Role.OWNER or actor_role == Role.OWNER]


class MemberAddForm(forms.Form):
    email = forms.EmailField(help_text="They need a Growth Hub account already.")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MARKETER)

    def __init__(self, *args: object, actor_role: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(actor_role=actor_role)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="Where the key is used, e.g. “Warehouse sync”.")
    role = forms.ChoiceField(choices=API_KEY_ROLE_CHOICES, initial=Role.MARKETER)


class ProductFilterForm(forms.Form):
    """The catalogue page's query string: a search and a status, both optional."""

    q = forms.CharField(required=False, max_length=100, label="Search", strip=True)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *ProductStatus.choices])


class OrderFilterForm(forms.Form):
    """The orders page's query string: the store's days from and to, and a search by order name or email."""

    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(required=False, max_length=100, label="Order or email", strip=True)


class UnitCostForm(forms.Form):
    """A unit cost typed in the store's currency (``12.50``); converted and bounded by the service."""

    amount = forms.CharField(max_length=20, label="Unit cost", strip=True)
