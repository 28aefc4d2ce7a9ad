"""`{% load rollups %}`: a rollup figure shown by its kind, and its change against a month."""

from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from salesops.money import format_money, format_number
from salesops.months import add_months
from salesops.templatetags.money import percent_of

register = template.Library()


@register.filter
def figure(value, kind: str) -> str:
    """A figure by kind; a missing one says why rather than showing a zero."""
    if value is None:
        if kind == "ratio":
            return _("no gross profit")
        if kind == "percent":
            return _("no target")
        return "—"
    if kind == "money":
        return format_money(value)
    if kind in ("percent", "ratio"):
        return percent_of(value)
    return format_number(value, decimal_places=0)


@register.filter
def delta(value) -> str:
    """+12.5% / −3.0%; a dash when there was nothing to compare with."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{percent_of(abs(value))}"


@register.filter
def delta_class(value) -> str:
    if value is None or value == 0:
        return "text-muted"
    return "text-success" if value > 0 else "text-danger"


@register.simple_tag
def rollup_url(name: str, level, params=None, **extra) -> str:
    """The URL of a rollup view for `level`'s month with `params` (default: the level's own)."""
    kwargs = {"month": f"{level.month:%Y-%m}", **extra}
    url = reverse(f"rollups:{name}", kwargs=kwargs)
    query = level.params() if params is None else params
    return f"{url}?{urlencode(query)}" if query else url


@register.simple_tag
def month_url(level, offset: int) -> str:
    month = add_months(level.month, offset)
    url = reverse("rollups:rollup", kwargs={"month": f"{month:%Y-%m}"})
    return f"{url}?{urlencode(level.params())}" if level.params() else url


@register.filter
def cell(value) -> str:
    """A cell of an explanation: amounts grouped, ratios as percentages, text as text."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return percent_of(value) if value.as_tuple().exponent == -4 else format_money(value)
    return value
