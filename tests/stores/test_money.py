"""stores.money: minor units per currency (ISO 4217 exponents), Babel formatting in a locale, the template filters."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from stores.models import Store
from stores.money import format_money, locale_check, minor_exponent, to_major, to_minor

NBSP = "\xa0"


@pytest.mark.parametrize(("currency", "exponent"), [("USD", 2), ("EUR", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3)])
def test_minor_exponent_follows_iso_4217(currency, exponent):
    # given an ISO 4217 currency / when its exponent is asked / then it is the number of its decimals
    assert minor_exponent(currency) == exponent


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("12.34", "USD", 1234),
        (Decimal("12.3"), "USD", 1230),
        (12, "USD", 1200),
        ("0", "USD", 0),
        ("-5.01", "USD", -501),
        ("1200", "JPY", 1200),
        (1200, "JPY", 1200),
        ("1.234", "KWD", 1234),
        ("1.5", "KWD", 1500),
        (" 7.25 ", "usd", 725),
    ],
)
def test_to_minor(amount, currency, minor):
    # given an amount in major units / when converted / then it is the int of the currency's minor units
    result = to_minor(amount, currency)
    assert result == minor
    assert type(result) is int


@pytest.mark.parametrize(
    ("minor", "currency", "major"),
    [(1234, "USD", "12.34"), (5, "USD", "0.05"), (-501, "USD", "-5.01"), (1200, "JPY", "1200"), (1234, "KWD", "1.234")],
)
def test_to_major_has_exactly_the_currency_decimals(minor, currency, major):
    # given minor units / when converted back / then the Decimal carries the currency's decimals, no more, no fewer
    result = to_major(minor, currency)
    assert result == Decimal(major)
    assert str(result) == major


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("12.345", "USD", 1235),
        ("12.344", "USD", 1234),
        ("-12.345", "USD", -1235),
        ("0.005", "USD", 1),
        ("1199.5", "JPY", 1200),
        ("1.2345", "KWD", 1235),
    ],
)
def test_round_half_up_for_computed_amounts(amount, currency, minor):
    # given a computed amount finer than the currency / when converted with rounding / then halves go away from zero
    assert to_minor(amount, currency, round_half_up=True) == minor


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("12.345", "USD", "12.345 has too many decimals: USD amounts have at most 2 decimals."),
        ("1200.5", "JPY", "1200.5 has too many decimals: JPY amounts have no decimals."),
        ("1.2345", "KWD", "1.2345 has too many decimals: KWD amounts have at most 3 decimals."),
    ],
)
def test_too_many_decimals_is_refused(amount, currency, message):
    # given an amount with more decimals than its currency has / when converted / then a ValueError says so
    with pytest.raises(ValueError) as refused:
        to_minor(amount, currency)
    assert str(refused.value) == message


@pytest.mark.parametrize("amount", ["twelve", "", "12,34", "1_000", "NaN", "Infinity", None, True, [12]])
def test_non_numeric_amounts_are_refused(amount):
    # given something that is not a number / when converted / then a ValueError names it
    with pytest.raises(ValueError, match="is not an amount of money"):
        to_minor(amount, "USD")


@pytest.mark.parametrize("minor", [12.5, "1234", Decimal("12"), None, True])
def test_to_major_takes_only_whole_minor_units(minor):
    # given anything but an int / when converted to major units / then a ValueError names it
    with pytest.raises(ValueError, match="is not an amount in minor units"):
        to_major(minor, "USD")


@pytest.mark.parametrize("currency", ["US", "USDX", "12A", "", None, "ÜSD"])
def test_bad_currency_codes_are_refused(currency):
    # given a currency that is not three letters / when used / then a ValueError names it
    with pytest.raises(ValueError, match="is not a currency code"):
        to_minor("1", currency)


@pytest.mark.parametrize(
    ("minor", "currency", "locale", "shown"),
    [
        (1234, "USD", "en_US", "$12.34"),
        (123456789, "USD", "en_US", "$1,234,567.89"),
        (-501, "USD", "en_US", "-$5.01"),
        (1200, "JPY", "en_US", "¥1,200"),
        (1234, "KWD", "en_US", "KWD1.234"),
        (123450, "EUR", "en_US", "€1,234.50"),
        (1234, "EUR", "de_DE", f"12,34{NBSP}€"),
        (123450, "EUR", "de_DE", f"1.234,50{NBSP}€"),
        (1234, "USD", "de_DE", f"12,34{NBSP}$"),
        (120000, "JPY", "de_DE", f"120.000{NBSP}¥"),
        (1234, "KWD", "de_DE", f"1,234{NBSP}KWD"),
        (1200, "JPY", "ja_JP", "￥1,200"),
        (1234, "USD", "ja_JP", "$12.34"),
    ],
)
def test_format_money_in_the_locale(minor, currency, locale, shown):
    # given an amount in minor units / when formatted in a locale / then Babel's writing, with the currency's decimals
    assert format_money(minor, currency, locale) == shown


def test_format_money_defaults_to_en_us():
    # given no locale / when formatted / then en_US
    assert format_money(1234, "USD") == "$12.34"


@pytest.mark.parametrize("locale", ["xx_YY", "", "en-US", "en_US" * 10, None])
def test_unknown_locales_are_refused(locale):
    # given a locale Babel does not know / when formatting or checking / then a ValueError names it
    with pytest.raises(ValueError, match="is not a known locale"):
        format_money(1234, "USD", locale)
    with pytest.raises(ValueError, match="is not a known locale"):
        locale_check(locale)


def test_format_money_refuses_non_integer_minor_units():
    # given a float of minor units / when formatted / then refused rather than shown rounded
    with pytest.raises(ValueError, match="is not an amount in minor units"):
        format_money(12.5, "USD")


@given(minor=st.integers(min_value=-(10**15), max_value=10**15), currency=st.sampled_from(["USD", "JPY", "KWD", "EUR"]))
def test_round_trip_minor_major_minor(minor, currency):
    # given any amount in minor units / when taken to major units and back / then it is unchanged
    assert to_minor(to_major(minor, currency), currency) == minor


@given(minor=st.integers(min_value=-(10**12), max_value=10**12), currency=st.sampled_from(["USD", "JPY", "KWD"]))
def test_round_trip_through_the_written_major_amount(minor, currency):
    # given any amount / when its major amount is written as text (a form value) and read back / then it is unchanged
    assert to_minor(str(to_major(minor, currency)), currency) == minor


def render(source: str, **context) -> str:
    return Template("{% load money %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("currency", "locale", "shown"),
    [("USD", "en_US", "$12.34"), ("EUR", "de_DE", f"12,34{NBSP}€"), ("JPY", "ja_JP", "￥1,234")],
)
def test_money_filter_uses_the_store_currency_and_locale(currency, locale, shown):
    # given a store with a currency and locale / when an amount is shown with |money:store / then in both
    store = SimpleNamespace(currency=currency, locale=locale)
    assert render("{{ value|money:store }}", value=1234, store=store) == shown


def test_money_in_filter_uses_the_named_currency():
    # given an amount of a named currency / when shown with |money_in / then in that currency's decimals
    assert render('{{ value|money_in:"JPY" }}', value=1200) == "¥1,200"
    assert render('{{ value|money_in:"KWD" }}', value=1234) == "KWD1.234"


def test_filters_show_a_missing_amount_as_a_dash_and_major_for_inputs():
    # given no amount / when shown / then an en dash; |major gives the plain number a form input holds
    store = SimpleNamespace(currency="USD", locale="en_US")
    assert render("{{ value|money:store }}|{{ value|money_in:'USD' }}", value=None, store=store) == "–|–"
    assert render("{{ value|major:store }}", value=1234, store=store) == "12.34"
    assert render("{{ value|major:store }}", value=None, store=store) == ""


@pytest.mark.django_db
def test_store_locale_defaults_to_en_us_and_is_validated(store):
    # given a store made without a locale / then it is en_US
    assert Store.objects.get(pk=store.pk).locale == "en_US"
    # when a locale Babel does not know is set / then full_clean refuses it and the row keeps en_US
    store.locale = "xx_YY"
    with pytest.raises(ValidationError) as refused:
        store.full_clean()
    assert "locale" in refused.value.message_dict
    assert Store.objects.get(pk=store.pk).locale == "en_US"
    # when a known one is set / then it is kept
    store.locale = "de_DE"
    store.full_clean()
    store.save(update_fields=["locale"])
    assert Store.objects.get(pk=store.pk).locale == "de_DE"
