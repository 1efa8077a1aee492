"""Template filters for money in minor units."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(minor: int | None, currency: str = "") -> str:
    """``5000, "USD"`` → ``USD 50.00``; None → an en dash."""
    if minor is None:
        return "–"
    amount = f"{Decimal(minor) / 100:,.2f}"
    return f"{currency} {amount}".strip()


@register.filter
def major(minor: int | None) -> str:
    """``5000`` → ``50.00`` (for form inputs)."""
    return "" if minor is None else f"{Decimal(minor) / 100:.2f}"


@register.filter
def ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"
