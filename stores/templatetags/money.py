"""Money in templates: ``{% load money %}``, then

- ``{{ value_minor|money:store }}``: in the store's currency and locale (``$12.34``, ``12,34 €``, ``¥1,200``);
- ``{{ value_minor|money_in:"JPY" }}``: in a named currency (a platform account's, a row's own), en_US numbers;
- ``{{ value_minor|major:store }}``: the plain major amount for a form input (``12.34``, ``1200``).

A missing amount (None) shows as an en dash; an input for ``major`` stays empty. See ``stores.money``.
"""

from typing import Any

from django import template

from stores.money import DEFAULT_LOCALE, format_money, to_major

register = template.Library()

MISSING = "–"


@register.filter
def money(minor: int | None, store: Any) -> str:
    """``1234|money:store`` -> ``$12.34`` for a USD store in en_US."""
    if minor is None:
        return MISSING
    return format_money(minor, store.currency, getattr(store, "locale", "") or DEFAULT_LOCALE)


@register.filter
def money_in(minor: int | None, currency: str) -> str:
    """``1200|money_in:"JPY"`` -> ``¥1,200``."""
    if minor is None:
        return MISSING
    return format_money(minor, currency)


@register.filter
def major(minor: int | None, store: Any) -> str:
    """``1234|major:store`` -> ``12.34`` (USD), for the value of an amount input."""
    if minor is None:
        return ""
    return str(to_major(minor, store.currency))
