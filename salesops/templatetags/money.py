"""`{% load money %}`: amounts and ratios shown one way in every table and panel."""

from decimal import Decimal, InvalidOperation

from django import template

from salesops.money import format_money, format_number

register = template.Library()


@register.filter
def money(value) -> str:
    """375000 → "375,000.00" (grouped, two decimals, the active language's separators)."""
    return format_money(value)


@register.filter
def percent_of(value) -> str:
    """A ratio as a percentage with one decimal: 0.0342 → "3.4%"; nothing for None."""
    try:
        percent = Decimal(str(value)) * 100
    except InvalidOperation:
        return format_number(value)
    return f"{format_number(percent, decimal_places=1)}%"
