"""`{% load money %}`: amounts and ratios shown one way in every table and panel."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from salesops.money import format_money

register = template.Library()


@register.filter
def money(value) -> str:
    """375000 → "375,000.00" (grouped, two decimals, the active language's separators)."""
    return format_money(value)


@register.filter
def percent_of(value) -> str:
    """A ratio as a percentage with one decimal: 0.0342 → "3.4%"; nothing for None."""
    if value is None or value == "":
        return ""
    try:
        ratio = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number_format(ratio * 100, decimal_pos=1, use_l10n=True, force_grouping=True)}%"
