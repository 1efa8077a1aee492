"""Money: amounts in minor units of their currency, and how a store shows them.

Vocabulary (the same in every app, every model field and every API):

- An amount is an ``int`` of **minor units** of its currency, in a field named ``*_minor``: ``1234`` USD is
  $12.34, ``1200`` JPY is ¥1,200, ``1234`` KWD is 1.234 KWD. The currency travels beside it (``Store.currency``
  or the row's own ``currency``); an amount without one means nothing.
- The **exponent** of a currency is how many decimals its major unit has (ISO 4217): 2 for most, 0 for JPY, KRW,
  VND, CLP, ISK, ..., 3 for KWD, BHD, JOD, OMR, TND, LYD, IQD. It comes from
  ``platforms.constants.currency_exponent``, the one table the platform edge uses as well.
- A **major** amount is a ``Decimal`` with exactly the currency's decimals (``Decimal("12.34")``); it exists only
  where a person types or reads a number (forms, the API's ``*_major`` inputs, a platform that speaks major units).
- **Formatting** is Babel's, in the store's locale (``Store.locale``, e.g. ``en_US``, ``de_DE``, ``ja_JP``), always
  with the currency's own number of decimals: ``$12.34``, ``12,34 $`` (de_DE), ``¥1,200``.

Nothing else divides or multiplies money by 100: templates use the ``money`` / ``money_in`` filters
(``{% load money %}``), Python uses ``to_minor`` / ``to_major`` / ``format_money``.
"""

import copy
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel import Locale
from babel.localedata import locale_identifiers
from babel.numbers import NumberPattern, format_currency

from platforms.constants import currency_exponent

DEFAULT_LOCALE = "en_US"
# The longest identifier Babel knows is 14 characters ("ca_ES_VALENCIA"); the column leaves room for more.
LOCALE_MAX_LENGTH = 32


@cache
def known_locales() -> frozenset[str]:
    """Every locale identifier Babel can format in (``en_US``, ``de_DE``, ``ja_JP``, ...)."""
    return frozenset(locale_identifiers())


def locale_check(locale: str) -> str:
    """``locale`` when Babel knows it; ValueError naming it otherwise."""
    if not isinstance(locale, str) or len(locale) > LOCALE_MAX_LENGTH or locale not in known_locales():
        raise ValueError(f"{locale!r} is not a known locale (a name like en_US, de_DE or ja_JP).")
    return locale


def _currency_code(currency: str) -> str:
    if not isinstance(currency, str):
        raise ValueError(f"{currency!r} is not a currency code (three letters, e.g. USD).")
    code = currency.strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValueError(f"{currency!r} is not a currency code (three letters, e.g. USD).")
    return code


def minor_exponent(currency: str) -> int:
    """How many decimals the currency's major unit has: 2 for USD, 0 for JPY, 3 for KWD."""
    return currency_exponent(_currency_code(currency))


def _decimal(amount: Decimal | str | int | float) -> Decimal:
    if isinstance(amount, bool):
        raise ValueError(f"{amount!r} is not an amount of money.")
    if isinstance(amount, Decimal):
        value = amount
    elif isinstance(amount, int):
        value = Decimal(amount)
    elif isinstance(amount, float):
        value = Decimal(repr(amount))  # the float's shortest decimal, not its binary expansion
    elif isinstance(amount, str):
        try:
            value = Decimal(amount.strip()) if "_" not in amount else Decimal("NaN")
        except InvalidOperation:
            raise ValueError(f"{amount!r} is not an amount of money (a number like 12.34).") from None
    else:
        raise ValueError(f"{amount!r} is not an amount of money (a number like 12.34).")
    if not value.is_finite():
        raise ValueError(f"{amount!r} is not an amount of money (a number like 12.34).")
    return value


def to_minor(amount: Decimal | str | int | float, currency: str, *, round_half_up: bool = False) -> int:
    """A major amount as an int of minor units: ``"12.34"`` USD -> 1234, ``"1200"`` JPY -> 1200, ``"1.5"`` KWD -> 1500.

    An amount with more decimals than the currency has is refused (ValueError naming both), since a person who
    typed ``12.345`` dollars meant something Growth Hub cannot store. With ``round_half_up`` (an amount the code
    computed, such as a share of a budget) it is rounded to the nearest minor unit instead, halves away from zero.
    """
    exponent = minor_exponent(currency)
    value = _decimal(amount)
    quantum = Decimal(1).scaleb(-exponent)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded != value and not round_half_up:
        decimals = "no decimals" if exponent == 0 else f"at most {exponent} decimal{'s' if exponent > 1 else ''}"
        raise ValueError(f"{amount} has too many decimals: {_currency_code(currency)} amounts have {decimals}.")
    return int(rounded.scaleb(exponent))


def to_major(minor: int, currency: str) -> Decimal:
    """An int of minor units as a Decimal with the currency's decimals: 1234 USD -> Decimal("12.34")."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise ValueError(f"{minor!r} is not an amount in minor units (a whole number such as 1234).")
    exponent = minor_exponent(currency)
    return Decimal(minor).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))


def format_money(minor: int, currency: str, locale: str = DEFAULT_LOCALE) -> str:
    """An amount in minor units as the locale writes it, with the currency's decimals: 1234 USD -> "$12.34",
    120000 JPY -> "¥120,000", 1234 EUR in de_DE -> "12,34 €" (a no-break space before the sign)."""
    code = _currency_code(currency)
    major = to_major(minor, code)
    locale = locale_check(locale)
    exponent = minor_exponent(code)
    return format_currency(
        major, code, format=_pattern(locale, exponent), locale=locale, currency_digits=False, decimal_quantization=True
    )


@cache
def _pattern(locale: str, exponent: int) -> NumberPattern:
    """The locale's currency pattern with exactly ``exponent`` decimals (Babel's own table differs for a few)."""
    pattern = copy.copy(Locale.parse(locale).currency_formats["standard"])
    pattern.frac_prec = (exponent, exponent)
    return pattern
