"""Template filters for the ads pages' ratios (money is ``stores``' ``{% load money %}``)."""

from django import template

register = template.Library()


@register.filter
def ratio(value: float | None) -> str:
    """``3.456`` → ``3.46`` (ROAS); None → an en dash."""
    return "–" if value is None else f"{value:.2f}"
